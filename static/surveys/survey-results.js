// The places answered in a survey (surveys/templates/surveys/_results.html): fetched as GeoJSON
// (EPSG:4326) and drawn as circles on each place question's map. No text from the data is shown.
(function () {
  "use strict";
  var configElement = document.getElementById("survey-places-config");
  if (!configElement || typeof L === "undefined") return;
  var config = JSON.parse(configElement.textContent);
  var maps = {};
  document.querySelectorAll(".survey-results-map").forEach(function (element) {
    var map = L.map(element);
    L.tileLayer(config.basemapUrl, { maxZoom: 19, attribution: config.basemapAttribution }).addTo(map);
    if (config.view) map.fitBounds(config.view.bounds);
    else map.fitWorld(); // no area: the whole world, never a city of its own
    maps[element.getAttribute("data-question")] = map;
  });
  fetch(config.placesUrl, { headers: { Accept: "application/geo+json" }, credentials: "same-origin" })
    .then(function (response) { return response.ok ? response.json() : { features: [] }; })
    .then(function (collection) {
      collection.features.forEach(function (feature) {
        var map = maps[String(feature.properties.question)];
        if (!map) return;
        var c = feature.geometry.coordinates;
        L.circleMarker([c[1], c[0]], { radius: 5, weight: 1, color: "#0b3954", fillColor: "#1f5f8b", fillOpacity: 0.6 }).addTo(map);
      });
      document.documentElement.setAttribute("data-places-loaded", String(collection.features.length));
    });
})();
