// The place of an event on a small map (/beteiligung/veranstaltungen/<id>/): the configuration comes
// from the page (json_script, no inline script); the label is set as text, never as HTML.
(function () {
  "use strict";
  var node = document.getElementById("event-map-config");
  if (!node || !window.L) return;
  var config = JSON.parse(node.textContent);
  var map = L.map("event-map", { scrollWheelZoom: false }).setView([config.lat, config.lon], 16);
  L.tileLayer(config.basemapUrl, { maxZoom: 19, attribution: config.basemapAttribution }).addTo(map);
  var marker = L.marker([config.lat, config.lon], { keyboard: false, alt: "" }).addTo(map);
  var label = document.createElement("span");
  label.textContent = config.label;
  marker.bindTooltip(label, { permanent: true, direction: "top", offset: [0, -30] });
})();
