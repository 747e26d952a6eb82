// The moderators' back office (/moderation/): focus on the result or error summary after an action,
// "select all" on the queue, one small map for the page (data in data-* attributes), and a filter of
// the measures by title. Every form works without this script; it only makes them quicker to use.
// Nothing people wrote passes through here as HTML: the map's labels are ids, set as text.
(function () {
  "use strict";

  // after an action: the summary takes the focus, so keyboard and screen reader users land on it
  var summary = document.querySelector("[data-autofocus]");
  if (summary) summary.focus();

  // "select all": checks or clears every contribution of the page (without script the server reads
  // the box as "every contribution listed on the page")
  var all = document.getElementById("pick-all");
  var picks = Array.prototype.slice.call(document.querySelectorAll("input.mq-pick"));
  if (all) {
    all.addEventListener("change", function () {
      picks.forEach(function (box) { box.checked = all.checked; });
    });
    picks.forEach(function (box) {
      box.addEventListener("change", function () {
        all.checked = picks.every(function (b) { return b.checked; });
      });
    });
  }

  // the measures' filter: hides the measures whose title does not contain the words typed
  var filter = document.getElementById("l-filter");
  if (filter) {
    filter.closest(".mc-filter").hidden = false;
    var rows = Array.prototype.slice.call(document.querySelectorAll("#l-measures li"));
    filter.addEventListener("input", function () {
      var words = filter.value.toLocaleLowerCase().split(/\s+/).filter(Boolean);
      rows.forEach(function (row) {
        var box = row.querySelector("input");
        var title = row.textContent.toLocaleLowerCase();
        var match = words.every(function (w) { return title.indexOf(w) !== -1; });
        row.hidden = !(match || (box && box.checked));
      });
    });
  }

  // the map: one for the page, a dot per contribution (the queue's items, or the page's one)
  var box = document.getElementById("mq-map");
  if (!box || !window.L) return;
  var points = Array.prototype.slice.call(document.querySelectorAll("[data-lat][data-lon]"))
    .map(function (node) {
      return { id: node.getAttribute("data-id"), node: node,
               lat: parseFloat(node.getAttribute("data-lat")), lon: parseFloat(node.getAttribute("data-lon")) };
    })
    .filter(function (p) { return isFinite(p.lat) && isFinite(p.lon); });
  if (!points.length) return;
  box.hidden = false;
  var map = L.map(box, { scrollWheelZoom: false });
  L.tileLayer(box.getAttribute("data-basemap-url"), {
    maxZoom: 19, attribution: box.getAttribute("data-basemap-attribution"),
  }).addTo(map);
  var plain = { radius: 7, color: "#1f5f8b", weight: 2, fillColor: "#ffffff", fillOpacity: 0.9 };
  var chosen = { radius: 10, color: "#a4161a", weight: 3, fillColor: "#f4b400", fillOpacity: 1 };
  var markers = {};
  points.forEach(function (p) {
    var label = document.createElement("span");
    label.textContent = "#" + p.id;
    var marker = L.circleMarker([p.lat, p.lon], points.length === 1 ? chosen : plain).addTo(map);
    marker.bindTooltip(label);
    marker.on("click", function () {
      select(p.id);
      var item = document.getElementById("c-" + p.id);
      if (item) {
        item.scrollIntoView({ block: "nearest" });
        var pick = item.querySelector("input.mq-pick");
        if (pick) pick.focus();
      }
    });
    markers[p.id] = marker;
  });
  if (points.length === 1) {
    map.setView([points[0].lat, points[0].lon], 16);
  } else {
    map.fitBounds(L.latLngBounds(points.map(function (p) { return [p.lat, p.lon]; })), { maxZoom: 16, padding: [20, 20] });
  }

  var current = null;
  function select(id) {
    if (current && markers[current]) markers[current].setStyle(plain).setRadius(plain.radius);
    var before = document.querySelector(".mq-item.is-selected");
    if (before) before.classList.remove("is-selected");
    current = id;
    markers[id].setStyle(chosen).setRadius(chosen.radius).bringToFront();
    map.panTo(markers[id].getLatLng());
    var item = document.getElementById("c-" + id);
    if (item) item.classList.add("is-selected");
  }
  Array.prototype.forEach.call(document.querySelectorAll("button.mq-show"), function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      select(button.getAttribute("data-show"));
      if (window.matchMedia("(max-width: 60em)").matches) box.scrollIntoView({ block: "nearest" });
    });
  });
})();
