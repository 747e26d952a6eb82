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
      declutter(layer);
      map.on("zoomend moveend resize", function () { declutter(layer); });
    });

  // A name that would overlap another is hidden (a phone-sized map, a low zoom), the larger Quartier's
  // name kept; zooming in shows it again, and every name stays in the list below the map.
  function declutter(layer) {
    window.requestAnimationFrame(function () {
      var labels = [];
      layer.eachLayer(function (lyr) {
        var tooltip = lyr.getTooltip && lyr.getTooltip();
        var element = tooltip && tooltip.getElement();
        if (!element) return;
        var bounds = lyr.getBounds();
        var a = map.latLngToLayerPoint(bounds.getNorthWest());
        var b = map.latLngToLayerPoint(bounds.getSouthEast());
        labels.push({ element: element, size: Math.abs((b.x - a.x) * (b.y - a.y)) });
      });
      labels.sort(function (x, y) { return y.size - x.size; });
      var shown = [];
      labels.forEach(function (label) {
        label.element.classList.remove("area-label-hidden");
        var r = label.element.getBoundingClientRect();
        var clash = shown.some(function (s) {
          return r.left < s.right && s.left < r.right && r.top < s.bottom && s.top < r.bottom;
        });
        if (clash) {
          label.element.classList.add("area-label-hidden");
        } else {
          shown.push(r);
        }
      });
      document.getElementById("map").dataset.labelled = "true";
    });
  }
})();
