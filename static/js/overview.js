// The city overview: Quartier outlines from /api/areas/ over the configured basemap.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("map-config").textContent);
  var map = L.map("map");
  L.tileLayer(config.basemapUrl, { maxZoom: 19, attribution: config.basemapAttribution }).addTo(map);
  fetch(config.areasUrl, { headers: { Accept: "application/geo+json" } })
    .then(function (response) { return response.json(); })
    .then(function (collection) {
      var layer = L.geoJSON(collection, {
        style: { color: "#1f5f8b", weight: 2, fillOpacity: 0.08 },
        onEachFeature: function (feature, lyr) {
          lyr.bindTooltip(feature.properties.name, { sticky: true });
        },
      }).addTo(map);
      if (collection.features.length) {
        map.fitBounds(layer.getBounds());
      } else {
        map.setView([48.8973, 9.1916], 12);
      }
    });
})();
