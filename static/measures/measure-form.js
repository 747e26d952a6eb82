// The measure form's place (/planung/massnahmen/…): a point, a line or an area drawn on the map with
// Leaflet-Geoman (static/js/drawing.js), kept as GeoJSON (EPSG:4326) in the hidden field "geom" that
// the server checks; or a declared scope (a select), chosen with the radio buttons "place". One drawn
// geometry at a time: drawing a new one replaces the old. Texts from the page are set as text only.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("measure-map-config").textContent);
  var msg = config.messages;
  var form = document.getElementById("measure-form");
  var field = form.elements.geom;
  var status = document.getElementById("map-status");
  var removeButton = document.getElementById("map-remove");
  var geometryBox = document.getElementById("place-geometry");
  var scopeBox = document.getElementById("place-scope");

  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_m, key) { return String(values[key]); });
  }
  function say(text) { status.textContent = text; }

  var map = L.map("measure-map");
  QADrawing.basemap(map, config);
  QADrawing.language(map, config);
  map.pm.setGlobalOptions(QADrawing.editOptions(config));
  map.pm.addControls({
    position: "topleft", drawMarker: true, drawPolyline: true, drawPolygon: true,
    drawCircle: false, drawCircleMarker: false, drawRectangle: false, drawText: false,
    cutPolygon: false, rotateMode: false, dragMode: false, editMode: false, removalMode: false,
  });
  QADrawing.labelTools(map);
  QADrawing.labelVertices(map, msg);
  var drawn = L.featureGroup().addTo(map);

  // the Quartiere of the chosen city as outlines to draw by (not editable); a new city: its Quartiere
  var outlines = L.geoJSON(null, { style: { color: "#1f5f8b", weight: 1, fill: false }, interactive: false, pmIgnore: true })
    .addTo(map);
  function loadOutlines(city, fit) {
    if (!city) { return; }
    fetch(config.areasUrl + encodeURIComponent(city), { headers: { Accept: "application/geo+json, application/json" }, credentials: "same-origin" })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (fc) {
        outlines.clearLayers();
        outlines.addData(fc).bringToBack();
        // show the Quartiere as large as the map allows, unless a drawing is to be seen
        if (fc.features.length && (fit || !drawn.getLayers().length)) { map.fitBounds(outlines.getBounds()); }
      });
  }
  form.elements.city.addEventListener("change", function () { loadOutlines(form.elements.city.value, true); });

  function geometryOf(layer) {
    var geojson = layer.toGeoJSON();
    if (geojson.type === "FeatureCollection") { // several points of a MultiPoint
      return { type: "MultiPoint", coordinates: geojson.features.map(function (f) { return f.geometry.coordinates; }) };
    }
    return geojson.geometry;
  }
  // the hidden field follows the map
  function write() {
    var layers = drawn.getLayers();
    removeButton.hidden = layers.length === 0;
    if (!layers.length) { field.value = ""; return; }
    var geometry = geometryOf(layers[0]);
    var n = QADrawing.vertices(geometry);
    field.value = JSON.stringify(geometry);
    say(n > config.maxVertices ? format(msg.tooManyVertices, { n: n, max: config.maxVertices }) : msg.drawn);
  }
  function adopt(layer) {
    drawn.addLayer(layer);
    if (layer.pm) {
      layer.pm.enable(QADrawing.editOptions(config));
      layer.on("pm:edit pm:dragend pm:markerdragend pm:vertexremoved", write);
    }
  }
  function clear() {
    drawn.eachLayer(function (l) { if (l.pm) { l.pm.disable(); } });
    drawn.clearLayers();
  }

  // what the form brought (the stored place, or the planner's drawing after a refused save)
  if (field.value) {
    try {
      L.geoJSON(JSON.parse(field.value), { pointToLayer: function (_f, latlng) { return L.marker(latlng); } })
        .eachLayer(adopt);
      if (drawn.getLayers().length) { map.fitBounds(drawn.getBounds(), { maxZoom: 17 }); }
    } catch (e) { field.value = ""; }
  }
  loadOutlines(config.city, false);
  say(drawn.getLayers().length ? msg.drawn : msg.none);
  removeButton.hidden = drawn.getLayers().length === 0;

  map.on("pm:create", function (e) {
    clear();
    adopt(e.layer);
    write();
  });
  removeButton.addEventListener("click", function () {
    clear();
    write();
    say(msg.removed);
  });
  form.addEventListener("submit", function () { if (drawn.getLayers().length) { write(); } });

  // geometry or scope: show the part that applies
  function place() {
    var chosen = form.querySelector("input[name=place]:checked");
    var scope = chosen && chosen.value === "scope";
    geometryBox.hidden = scope;
    scopeBox.hidden = !scope;
    if (!scope) { map.invalidateSize(); }
  }
  Array.prototype.forEach.call(form.querySelectorAll("input[name=place]"), function (radio) {
    radio.addEventListener("change", place);
  });
  place();
})();
