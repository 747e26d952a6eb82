// The place questions of a survey form (surveys/templates/surveys/form.html): a Leaflet map per
// question; a click or tap places the marker, or — by keyboard — the arrow keys move the map under
// the cross and "Use the place under the cross" (or Enter on the map) takes its centre. The place goes
// into the question's hidden lon/lat fields, which the server checks (inside the consultation area).
(function () {
  "use strict";
  var configElement = document.getElementById("survey-map-config");
  if (!configElement || typeof L === "undefined") return;
  var config = JSON.parse(configElement.textContent);
  function fmt(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (_m, key) { return String(values[key]); });
  }
  document.querySelectorAll(".survey-map").forEach(function (element) {
    var name = element.getAttribute("data-question");
    var lon = document.getElementById(name + "_lon");
    var lat = document.getElementById(name + "_lat");
    var statusEl = document.getElementById(name + "-status");
    var map = L.map(element, { keyboard: true, keyboardPanDelta: 60 });
    L.tileLayer(config.basemapUrl, { maxZoom: 19, attribution: config.basemapAttribution }).addTo(map);
    if (config.view) map.fitBounds(config.view.bounds);
    else map.fitWorld(); // no area: the whole world, never a city of its own
    var marker = null;
    function place(latlng) {
      if (marker) marker.setLatLng(latlng);
      else marker = L.marker(latlng, { keyboard: false }).addTo(map);
      lon.value = (Math.round(latlng.lng * 1e7) / 1e7).toString();
      lat.value = (Math.round(latlng.lat * 1e7) / 1e7).toString();
      statusEl.textContent = fmt(config.messages.chosen, { lat: lat.value, lon: lon.value });
    }
    // the address and place search (static/js/place-search.js): the chosen place is the answer
    if (window.QuartiersatlasPlaceSearch) window.QuartiersatlasPlaceSearch.attach(map, { onChoose: place });
    if (lon.value && lat.value && isFinite(Number(lon.value)) && isFinite(Number(lat.value))) {
      place(L.latLng(Number(lat.value), Number(lon.value)));
    }
    var moving = false;
    map.on("movestart", function () { moving = true; });
    map.on("moveend", function () { moving = false; });
    function placeAtCross() {
      if (moving) map.once("moveend", function () { place(map.getCenter()); });
      else place(map.getCenter());
    }
    map.on("click", function (event) { place(event.latlng); });
    element.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && event.target === element) {
        event.preventDefault();
        placeAtCross();
      }
    });
    document.querySelector('.survey-use-centre[data-question="' + name + '"]').addEventListener("click", placeAtCross);
    document.querySelector('.survey-clear-place[data-question="' + name + '"]').addEventListener("click", function () {
      if (marker) { map.removeLayer(marker); marker = null; }
      lon.value = "";
      lat.value = "";
      statusEl.textContent = config.messages.cleared;
    });
  });
  var errors = document.getElementById("survey-errors");
  if (errors) errors.focus();
})();
