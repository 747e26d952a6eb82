// The scenario page's map (/planung/szenarien/<id>/): the places of the scenario's new measures and of
// the published measures it drops or postpones, from the page's configuration (GeoJSON, EPSG:4326, built
// in PostGIS). Titles are data: set as text, never as HTML.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("scenario-map-config").textContent);
  var colours = { "new": "#1b7a3a", drop: "#b3261e", postpone: "#a35c00" };
  var map = L.map("scenario-map");
  L.tileLayer(config.basemapUrl, { maxZoom: 19, attribution: config.basemapAttribution }).addTo(map);
  if (config.view) { map.fitBounds(config.view.bounds); } else { map.fitWorld(); }
  function label(feature) {
    var text = document.createElement("span");
    text.textContent = feature.properties.title + " (" + (config.labels[feature.properties.kind] || "") + ")";
    return text;
  }
  var layer = L.geoJSON(config.features, {
    style: function (f) { return { color: colours[f.properties.kind] || "#333", weight: 3, fillOpacity: 0.25 }; },
    pointToLayer: function (f, latlng) {
      return L.circleMarker(latlng, { radius: 8, color: colours[f.properties.kind] || "#333", weight: 3, fillOpacity: 0.5 });
    },
    onEachFeature: function (f, l) { l.bindTooltip(label(f)); }
  }).addTo(map);
  if (layer.getLayers().length) { map.fitBounds(layer.getBounds(), { maxZoom: 16, padding: [20, 20] }); }
})();
