// The place of an event in the planners' back office (/planung/veranstaltungen/…): a click on the map
// fills the longitude and latitude fields (WGS84), which the planner may also type; the marker follows.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("event-place-config").textContent);
  var lon = document.getElementById("id_lon");
  var lat = document.getElementById("id_lat");
  var status = document.getElementById("event-place-status");
  if (!lon || !lat || !window.L) return;
  var map = L.map("event-place-map");
  L.tileLayer(config.basemapUrl, { maxZoom: 19, attribution: config.basemapAttribution }).addTo(map);
  if (config.view) { map.fitBounds(config.view.bounds); } else { map.fitWorld(); }
  var marker = null;
  function show() {
    var x = parseFloat(lon.value), y = parseFloat(lat.value);
    if (isNaN(x) || isNaN(y)) { if (marker) { map.removeLayer(marker); marker = null; } return; }
    if (marker) { marker.setLatLng([y, x]); } else { marker = L.marker([y, x], { keyboard: false }).addTo(map); }
  }
  function pick(latlng) {
    lon.value = latlng.lng.toFixed(6);
    lat.value = latlng.lat.toFixed(6);
    show();
    status.textContent = config.messages.picked.replace("%(lat)s", lat.value).replace("%(lon)s", lon.value);
  }
  map.on("click", function (e) { pick(e.latlng); });
  // the address and place search (static/js/place-search.js): the chosen place is the event's
  if (window.QuartiersatlasPlaceSearch) window.QuartiersatlasPlaceSearch.attach(map, { onChoose: pick });
  lon.addEventListener("change", show);
  lat.addEventListener("change", show);
  show();
  if (marker) { map.setView(marker.getLatLng(), 16); }
})();
