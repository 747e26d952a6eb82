// The maps of the Quartier profile and the city report. folium's script (loaded before this one) only
// sets each map up (`var map_<id> = L.map(...)`); the layers come as JSON from the URL in the map
// element's data-map attribute. Every text in that JSON is data: it is set with textContent, or
// HTML-escaped where Leaflet takes HTML (the layer control's labels) — never run, never parsed.
(function () {
  "use strict";
  var lang = document.documentElement.lang || "de";
  var decimal2 = new Intl.NumberFormat(lang, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  var requests = {};

  // the legend's swatches: each one's colour is in its data-colour (the classes of planning/layers.py),
  // set through the CSSOM — the pages' CSP allows no inline style attributes
  document.querySelectorAll(".swatch[data-colour]").forEach(function (swatch) {
    swatch.style.setProperty("background-color", swatch.getAttribute("data-colour"));
  });

  function escapeHtml(value) {
    return String(value).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function load(url) {
    if (!requests[url]) {
      requests[url] = fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) { throw new Error(url + ": HTTP " + response.status); }
          return response.json();
        });
    }
    return requests[url];
  }

  function shown(value, format) {
    if (value === null || value === undefined || value === "") { return "–"; }
    if (format === "decimal2" && typeof value === "number") { return decimal2.format(value); }
    return String(value);
  }

  // a tooltip's content as DOM: one "label: value" line per field, all of it text
  function tooltip(fields) {
    return function (layer) {
      var props = (layer.feature && layer.feature.properties) || {};
      var box = document.createElement("div");
      fields.forEach(function (field) {
        var line = document.createElement("div");
        var label = document.createElement("span");
        label.className = "tooltip-label";
        label.textContent = field[1] + ": ";
        line.appendChild(label);
        line.appendChild(document.createTextNode(shown(props[field[0]], field[2])));
        box.appendChild(line);
      });
      return box;
    };
  }

  function overlay(spec, data) {
    var style = spec.style || {};
    var layer = L.geoJSON(data, {
      style: function (feature) {
        var own = Object.assign({}, style);
        var props = feature.properties;
        if (spec.fillFrom && props) { own.fillColor = props[spec.fillFrom]; }
        if (spec.fillBy) { own.fillColor = spec.fillBy.colours[(props || {})[spec.fillBy.property]] || spec.fillBy.other; }
        return own;
      },
      pointToLayer: function (feature, latlng) {
        return L.circleMarker(latlng, Object.assign({ radius: 6, fill: true }, style));
      },
    });
    layer.bindTooltip(tooltip(spec.tooltip || []));
    return layer;
  }

  function draw(map, doc, spec) {
    var base = L.tileLayer(doc.basemap.url, { maxZoom: 19, attribution: escapeHtml(doc.basemap.attribution) });
    base.addTo(map);
    var control = L.control.layers(null, null, { collapsed: false });
    control.addBaseLayer(base, escapeHtml(doc.basemap.name));
    var fitTo = null;
    spec.layers.forEach(function (layerSpec, index) {
      var data = doc.collections[layerSpec.data];
      if (!data || !data.features || !data.features.length) { return; }
      var layer = overlay(layerSpec, data).addTo(map);
      control.addOverlay(layer, escapeHtml(layerSpec.name));
      if (index === spec.fit) { fitTo = layer; }
    });
    if (spec.layers.length > 1) { control.addTo(map); }
    if (fitTo && fitTo.getBounds().isValid()) { map.fitBounds(fitTo.getBounds()); }
  }

  document.querySelectorAll(".folium-map[data-map]").forEach(function (element) {
    var map = window[element.id];
    if (!map) { return; }
    load(element.getAttribute("data-map")).then(function (doc) {
      var spec = doc.maps[element.id];
      if (spec) { draw(map, doc, spec); }
      element.setAttribute("data-loaded", "true");
    }).catch(function (error) {
      element.setAttribute("data-loaded", "error");
      if (window.console) { console.error(error); }
    });
  });
})();
