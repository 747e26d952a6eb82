// Drawing on a Leaflet map with Leaflet-Geoman (vendored): the pieces the planners' pages share (the
// workspace /planung/ and the measure form /planung/massnahmen/…). The settings come from the page's
// configuration (geo.drawing.drawing_config): basemap, vertex limit, snapping, Geoman's texts.
window.QADrawing = (function () {
  "use strict";
  // the number of positions in a GeoJSON geometry (what the vertex limit counts)
  function vertices(geometry) {
    var count = 0;
    (function walk(c) { if (typeof c[0] === "number") { count += 1; } else { c.forEach(walk); } })(geometry.coordinates);
    return count;
  }
  // point, line, polygon or collection: what "a different type" means when a geometry is saved
  function family(geometry) {
    var base = geometry ? geometry.type.replace(/^Multi/, "") : "";
    return { Point: "point", LineString: "line", Polygon: "polygon" }[base] || "collection";
  }
  // the basemap, the start view (the city's extent, else the world) and the address and place search
  // (static/js/place-search.js, when the page has it: {% place_search %})
  function basemap(map, config) {
    L.tileLayer(config.basemapUrl, { maxZoom: 19, attribution: config.basemapAttribution }).addTo(map);
    if (config.view) { map.fitBounds(config.view.bounds); } else { map.fitWorld(); }
    if (window.QuartiersatlasPlaceSearch) { window.QuartiersatlasPlaceSearch.attach(map); }
  }
  // Geoman in the page's language: our catalogue's texts for the tools offered, Geoman's own for the rest
  function language(map, config, strings) {
    map.pm.setLang(config.lang, strings || config.geoman, config.lang);
  }
  // Geoman's tool buttons are links with an icon only, their name in the container's title: give each
  // link that name too, so that screen readers announce it (axe: link-name)
  function labelTools(map) {
    map.getContainer().querySelectorAll(".leaflet-pm-toolbar .button-container").forEach(function (box) {
      var link = box.querySelector("a.leaflet-buttons-control-button");
      if (link && box.title) { link.setAttribute("aria-label", box.title); }
    });
  }
  // Geoman's vertex handles are unnamed buttons: name each one as it appears (texts.vertex for a corner,
  // texts.middle for the handle between two corners, which adds one)
  function labelVertices(map, texts) {
    var pane = map.getPane("markerPane");
    function label() {
      pane.querySelectorAll(".marker-icon:not([aria-label])").forEach(function (handle) {
        handle.setAttribute("aria-label", handle.classList.contains("marker-icon-middle") ? texts.middle : texts.vertex);
      });
    }
    new MutationObserver(label).observe(pane, { childList: true });
    label();
  }
  function editOptions(config) {
    return { snappable: true, snapDistance: config.snapDistance, allowSelfIntersection: false };
  }
  return { vertices: vertices, family: family, basemap: basemap, language: language, labelTools: labelTools, labelVertices: labelVertices,
    editOptions: editOptions };
})();
