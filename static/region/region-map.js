// The region page's map: the municipalities from karte.json (GeoJSON with the summary's numbers),
// coloured by the number chosen in the select (five classes of equal count; grey without a value),
// with a text legend. Every text of the data is set as text (textContent, or escaped where Leaflet
// takes HTML). The print button prints the page.
(function () {
  "use strict";
  var element = document.getElementById("region-map");
  var select = document.getElementById("map-number");
  var legend = document.getElementById("map-legend");
  var printButton = document.getElementById("print");
  if (printButton) { printButton.addEventListener("click", function () { window.print(); }); }
  if (!element || !window.L) { return; }
  var lang = document.documentElement.lang || "de";
  var number = new Intl.NumberFormat(lang, { maximumFractionDigits: 2 });
  var COLOURS = ["#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"];
  var NONE = "#d9d9d9";

  function escapeHtml(value) {
    return String(value).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  var map = L.map(element, { keyboard: true, zoomSnap: 0.5 });
  var basemap = element.getAttribute("data-basemap-url");
  if (basemap) {
    L.tileLayer(basemap, { maxZoom: 19, attribution: escapeHtml(element.getAttribute("data-basemap-attribution") || "") }).addTo(map);
  }
  map.setView([48.8, 9.2], 9);

  function label(key) {
    var option = select.querySelector('option[value="' + key + '"]');
    return option ? option.textContent : key;
  }

  // upper bounds of five classes of (about) equal count
  function breaks(values) {
    var sorted = values.slice().sort(function (a, b) { return a - b; });
    var out = [];
    for (var i = 1; i <= COLOURS.length; i += 1) {
      out.push(sorted[Math.min(sorted.length - 1, Math.ceil((i * sorted.length) / COLOURS.length) - 1)]);
    }
    return out;
  }

  function colour(value, bounds) {
    if (value === null || value === undefined) { return NONE; }
    for (var i = 0; i < bounds.length; i += 1) { if (value <= bounds[i]) { return COLOURS[i]; } }
    return COLOURS[COLOURS.length - 1];
  }

  function drawLegend(key, bounds) {
    legend.textContent = "";
    var heading = document.createElement("p");
    heading.className = "legend-heading";
    heading.textContent = label(key);
    legend.appendChild(heading);
    var list = document.createElement("ul");
    var lower = null;
    bounds.forEach(function (upper, i) {
      if (lower !== null && upper === lower) { return; }
      var item = document.createElement("li");
      var swatch = document.createElement("span");
      swatch.className = "swatch";
      swatch.style.setProperty("background-color", COLOURS[i]);
      item.appendChild(swatch);
      item.appendChild(document.createTextNode((lower === null ? "≤ " : number.format(lower) + " – ") + number.format(upper)));
      list.appendChild(item);
      lower = upper;
    });
    var none = document.createElement("li");
    var swatch = document.createElement("span");
    swatch.className = "swatch";
    swatch.style.setProperty("background-color", NONE);
    none.appendChild(swatch);
    none.appendChild(document.createTextNode(legend.getAttribute("data-none") || "–"));
    list.appendChild(none);
    legend.appendChild(list);
  }

  function tooltip(key) {
    return function (layer) {
      var props = layer.feature.properties;
      var box = document.createElement("div");
      var name = document.createElement("strong");
      name.textContent = props.name;
      box.appendChild(name);
      var line = document.createElement("div");
      var value = props[key];
      line.textContent = label(key) + ": " + (value === null || value === undefined ? "–" : number.format(value));
      box.appendChild(line);
      return box;
    };
  }

  var layer = null;
  fetch(element.getAttribute("data-map"), { headers: { Accept: "application/geo+json" }, credentials: "same-origin" })
    .then(function (response) {
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.json();
    })
    .then(function (data) {
      layer = L.geoJSON(data, { style: { color: "#333", weight: 1, fillOpacity: 0.75 } }).addTo(map);
      if (layer.getBounds().isValid()) { map.fitBounds(layer.getBounds()); }
      function paint() {
        var key = select.value;
        var values = data.features.map(function (f) { return f.properties[key]; })
          .filter(function (v) { return v !== null && v !== undefined; });
        var bounds = values.length ? breaks(values) : [];
        layer.setStyle(function (feature) {
          return { fillColor: colour(feature.properties[key], bounds), color: "#333", weight: 1, fillOpacity: 0.75 };
        });
        layer.unbindTooltip();
        layer.bindTooltip(tooltip(key), { sticky: true });
        drawLegend(key, bounds);
      }
      select.addEventListener("change", paint);
      paint();
      element.setAttribute("data-loaded", "true");
    })
    .catch(function (error) {
      element.setAttribute("data-loaded", "error");
      if (window.console) { console.error(error); }
    });
})();
