// The participatory budget's maps (budgeting/templates): the proposals of the index page (GeoJSON
// fetched from the page's "data" URL), one proposal's place, and the proposal form's place picker
// (the cross in the map's centre; "Take the place under the cross" fills the coordinate fields,
// which also work on their own). Every text from data is set with textContent.
(function () {
  "use strict";
  var holder = document.getElementById("bh-map");
  var configNode = document.getElementById("bh-map-config");
  if (!holder || !configNode || !window.L) return;
  var config = JSON.parse(configNode.textContent);
  var map = L.map(holder, { keyboard: true });
  L.tileLayer(config.basemapUrl, { maxZoom: 19, attribution: config.basemapAttribution }).addTo(map);
  if (config.point) map.setView([config.point[1], config.point[0]], 16);
  else if (config.view) map.fitBounds(config.view.bounds);
  else map.fitWorld();

  if (config.point) {
    L.circleMarker([config.point[1], config.point[0]], { radius: 9, weight: 3 }).addTo(map);
  }

  if (config.data) {
    fetch(config.data, { headers: { Accept: "application/geo+json" } })
      .then(function (response) { return response.json(); })
      .then(function (collection) {
        L.geoJSON(collection, {
          pointToLayer: function (feature, latlng) { return L.circleMarker(latlng, { radius: 8, weight: 2 }); },
          onEachFeature: function (feature, layer) {
            var link = document.createElement("a");
            link.href = feature.properties.url;
            link.textContent = feature.properties.title;
            layer.bindPopup(link);
          },
        }).addTo(map);
      });
  }

  var take = document.getElementById("take-place");
  if (!take) return;
  var lon = document.getElementById("f-lon");
  var lat = document.getElementById("f-lat");
  var status = document.getElementById("place-status");
  var marker = null;
  function show() {
    var x = parseFloat(lon.value), y = parseFloat(lat.value);
    if (isNaN(x) || isNaN(y)) return;
    var at = L.latLng(y, x);
    if (marker) marker.setLatLng(at);
    else marker = L.circleMarker(at, { radius: 9, weight: 3 }).addTo(map);
  }
  function takeAt(latlng) {
    lon.value = latlng.lng.toFixed(6);
    lat.value = latlng.lat.toFixed(6);
    show();
    status.textContent = config.messages.placed.replace("%(lon)s", lon.value).replace("%(lat)s", lat.value);
  }
  take.hidden = false;
  // the address and place search (static/js/place-search.js): the chosen place is the proposal's
  if (window.QuartiersatlasPlaceSearch) window.QuartiersatlasPlaceSearch.attach(map, { onChoose: takeAt });
  take.addEventListener("click", function () { takeAt(map.getCenter()); });
  map.on("click", function (event) { takeAt(event.latlng); });
  holder.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.target === holder) {
      event.preventDefault();
      takeAt(map.getCenter());
    }
  });
  lon.addEventListener("change", show);
  lat.addEventListener("change", show);
  show();
  if (marker) map.setView(marker.getLatLng(), Math.max(map.getZoom(), 15));
})();
