// The map of /beteiligung/ and of one consultation: the areas fetched as GeoJSON from the page
// config's dataUrl (json_script, no inline script), each linked to its page. Titles are data: the
// tooltips and popups get them as text nodes (textContent), never as HTML.
(function () {
  "use strict";
  var element = document.getElementById("portal-map");
  var configElement = document.getElementById("portal-map-config");
  if (!element || !configElement || !window.L) { return; }
  var config = JSON.parse(configElement.textContent);
  var map = L.map(element, { zoomSnap: 0.25, scrollWheelZoom: false });
  var attribution = document.createElement("span");
  attribution.textContent = config.basemapAttribution || "";
  L.tileLayer(config.basemapUrl, { maxZoom: 19, attribution: attribution.innerHTML }).addTo(map);
  var colours = { planned: "#1f5f8b", open: "#2e7d32", closed: "#5b6775", evaluated: "#8a5a00" };
  function popup(feature) {
    var box = document.createElement("div");
    var link = document.createElement("a");
    link.href = config.pageUrl.replace("__slug__", encodeURIComponent(feature.properties.slug));
    link.textContent = feature.properties.title;
    var phase = document.createElement("div");
    phase.textContent = config.phases[feature.properties.phase] || feature.properties.phase;
    box.appendChild(link);
    box.appendChild(phase);
    return box;
  }
  fetch(config.dataUrl, { headers: { Accept: "application/geo+json" }, credentials: "same-origin" })
    .then(function (response) {
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.json();
    })
    .then(function (doc) {
      var layer = L.geoJSON(doc, {
        style: function (feature) {
          return { color: colours[feature.properties.phase] || "#1f5f8b", weight: 2, fillOpacity: 0.12 };
        },
        onEachFeature: function (feature, lyr) {
          var label = document.createElement("span");
          label.textContent = feature.properties.title;
          lyr.bindTooltip(label);
          lyr.bindPopup(popup(feature));
        },
      }).addTo(map);
      var bounds = layer.getBounds();
      if (bounds.isValid()) { map.fitBounds(bounds, { maxZoom: 15, padding: [10, 10] }); } else { map.fitWorld(); }
      element.setAttribute("data-loaded", doc.features.length ? String(doc.features.length) : "empty");
    })
    .catch(function (error) {
      map.fitWorld();
      element.setAttribute("data-loaded", "error");
      if (window.console) { console.error(error); }
    });
})();
