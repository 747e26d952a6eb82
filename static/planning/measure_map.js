// The small map of a measure's page (/massnahmen/<id>/): the basemap from the element's data-basemap
// (a setting), the measure's geometry — or its declared scope's outline — fetched as GeoJSON from
// data-url. The title is data: the tooltip gets it as a text node (textContent), never as HTML.
(function () {
  "use strict";
  var element = document.getElementById("measure-map");
  if (!element || !window.L) { return; }
  var map = L.map(element, { zoomSnap: 0.25, scrollWheelZoom: false });
  var attribution = document.createElement("span");
  attribution.textContent = element.getAttribute("data-attribution") || "";
  L.tileLayer(element.getAttribute("data-basemap"), { maxZoom: 19, attribution: attribution.innerHTML }).addTo(map);
  fetch(element.getAttribute("data-url"), { headers: { Accept: "application/json" }, credentials: "same-origin" })
    .then(function (response) {
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.json();
    })
    .then(function (doc) {
      var layer = L.geoJSON(doc.measure, {
        style: function (feature) {
          var scope = feature.properties && feature.properties.scope;
          return { color: scope ? "#1f5f8b" : "#b3470b", weight: 3, fillOpacity: scope ? 0.05 : 0.25 };
        },
        pointToLayer: function (feature, latlng) {
          return L.circleMarker(latlng, { radius: 8, color: "#b3470b", weight: 3, fillOpacity: 0.6 });
        },
        onEachFeature: function (feature, lyr) {
          var label = document.createElement("span");
          label.textContent = (feature.properties && feature.properties.title) || "";
          lyr.bindTooltip(label);
        },
      }).addTo(map);
      var bounds = layer.getBounds();
      if (bounds.isValid()) { map.fitBounds(bounds, { maxZoom: 16, padding: [20, 20] }); } else { map.fitWorld(); }
      element.setAttribute("data-loaded", doc.measure.features.length ? "true" : "empty");
    })
    .catch(function (error) {
      map.fitWorld();
      element.setAttribute("data-loaded", "error");
      if (window.console) { console.error(error); }
    });
})();
