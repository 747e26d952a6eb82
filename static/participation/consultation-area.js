// The area of a consultation in the planners' back office (/planung/verfahren/…): a polygon drawn
// with Leaflet-Geoman (vendored; the planners' drawing kit static/js/drawing.js, QADrawing) goes as
// GeoJSON (EPSG:4326) into the hidden field "geom", and the area choice switches to "drawn on the map". The city's Quartiere are outlined for orientation.
// Without script the page still works with a chosen area.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("consultation-map-config").textContent);
  var field = document.getElementById("id_geom");
  var choice = document.getElementById("id_area");
  var status = document.getElementById("consultation-map-status");
  var clear = document.getElementById("consultation-map-clear");
  var map = L.map("consultation-map");
  QADrawing.basemap(map, config);

  var quartiere = L.geoJSON(null, {
    interactive: false,
    style: { color: "#5b6775", weight: 1, fillOpacity: 0.03 },
  }).addTo(map);
  fetch(config.areasUrl, { headers: { Accept: "application/geo+json, application/json" } })
    .then(function (r) { return r.ok ? r.json() : null; })
    .then(function (data) { if (data) { quartiere.addData(data); } })
    .catch(function () { /* orientation only: the form works without it */ });

  var drawn = null;
  var style = { color: "#1f5f8b", weight: 3, fillOpacity: 0.15 };
  function store(layer) {
    var geometry = layer ? layer.toGeoJSON().geometry : null;
    field.value = geometry ? JSON.stringify(geometry) : "";
    clear.hidden = !layer;
    if (geometry && QADrawing.vertices(geometry) > config.maxVertices) {
      status.textContent = config.messages.tooManyVertices
        .replace("%(n)s", String(QADrawing.vertices(geometry))).replace("%(max)s", String(config.maxVertices));
    }
  }
  function adopt(layer) {
    if (drawn && drawn !== layer) { map.removeLayer(drawn); }
    drawn = layer;
    layer.setStyle(style);
    layer.on("pm:edit", function () { store(layer); });
    store(layer);
  }
  var initial = config.drawn;
  try { if (field.value) { initial = JSON.parse(field.value); } } catch (e) { initial = null; }
  if (initial) {
    var existing = L.geoJSON(initial, { style: style }).getLayers()[0];
    if (existing) { existing.addTo(map); adopt(existing); map.fitBounds(existing.getBounds()); }
  }

  QADrawing.language(map, config);
  // no snapping: the Quartier outlines are shown for orientation, a drawn area need not follow them
  map.pm.setGlobalOptions({ allowSelfIntersection: false, snappable: false });
  map.pm.addControls({
    position: "topleft", drawMarker: false, drawCircleMarker: false, drawPolyline: false, drawRectangle: false,
    drawCircle: false, drawText: false, drawPolygon: true, editMode: true, dragMode: false, cutPolygon: false,
    removalMode: false, rotateMode: false,
  });
  QADrawing.labelTools(map);
  map.on("pm:create", function (e) {
    status.textContent = config.messages.drawn;
    choice.value = config.draw;
    adopt(e.layer);  // says so when the drawing has too many vertices
  });
  clear.addEventListener("click", function () {
    if (drawn) { map.removeLayer(drawn); drawn = null; }
    store(null);
    status.textContent = config.messages.cleared;
  });
})();
