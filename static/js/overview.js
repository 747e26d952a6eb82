// A city's page (/staedte/<ags>/, and / for the home city): its Quartiere from /api/areas/ — or, while
// it has none, its own outline (one Feature) — over the configured basemap.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("map-config").textContent);
  // quarter zoom steps: the city fills a phone-sized map instead of a quarter of it
  var map = L.map("map", { zoomSnap: 0.25 });
  L.tileLayer(config.basemapUrl, { maxZoom: 19, attribution: config.basemapAttribution }).addTo(map);
  // the city's extent (from the page's configuration) while its Quartiere load; no city: the world
  if (config.view) {
    map.fitBounds(config.view.bounds);
  } else {
    map.fitWorld();
  }
  fetch(config.areasUrl, { headers: { Accept: "application/geo+json" } })
    .then(function (response) { return response.json(); })
    .then(function (collection) {
      var layer = L.geoJSON(collection, {
        style: { color: "#1f5f8b", weight: 2, fillOpacity: 0.08 },
        onEachFeature: function (feature, lyr) {
          // feature names are data: Leaflet tooltips take them as text nodes, never as HTML
          var label = document.createElement("span");
          label.textContent = feature.properties.name;
          lyr.bindTooltip(label, { permanent: true, direction: "center", className: "area-label" });
        },
      }).addTo(map);
      if (!collection.features || collection.features.length) {
        map.fitBounds(layer.getBounds());
      }
    });
})();
