// The planners' workspace: Leaflet + Leaflet-Geoman (vendored). Focus areas and measure geometries are
// drawn and edited here and saved through the API with If-Match; a 412 shows the conflict message and
// keeps the planner's drawing on the map. Data from the API is shown as text, never as HTML.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("workspace-config").textContent);
  var msg = config.messages;
  var $ = function (id) { return document.getElementById(id); };
  var map = L.map("map", { preferCanvas: false });
  L.tileLayer(config.basemapUrl, { maxZoom: 19, attribution: config.basemapAttribution }).addTo(map);
  map.setView([48.8973, 9.1916], 13);

  var layers = {
    quartiere: L.featureGroup().addTo(map),
    priorities: L.featureGroup(),
    contributions: L.featureGroup(),
    measures: L.featureGroup().addTo(map),
    focusAreas: L.featureGroup().addTo(map),
  };
  var overlays = {};
  overlays[msg.layerQuartiere] = layers.quartiere;
  overlays[msg.layerPriorities] = layers.priorities;
  overlays[msg.layerContributions] = layers.contributions;
  overlays[msg.layerMeasures] = layers.measures;
  overlays[msg.layerFocusAreas] = layers.focusAreas;
  L.control.layers(null, overlays, { collapsed: false }).addTo(map);

  map.pm.setGlobalOptions({ snappable: true, snapDistance: config.snapDistance, allowSelfIntersection: false });
  map.pm.addControls({
    position: "topleft", drawCircle: false, drawCircleMarker: false, drawRectangle: false, drawText: false,
    cutPolygon: false, rotateMode: false, dragMode: false, editMode: false, removalMode: false,
  });

  var state = { selected: null, kind: null, drawn: null, quartiere: null };

  function status(text) { $("ws-status").textContent = text || ""; }
  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_m, key) { return String(values[key]); });
  }
  function headers(extra) {
    var h = { "Accept": "application/json", "Content-Type": "application/json", "X-CSRFToken": config.csrfToken };
    Object.keys(extra || {}).forEach(function (k) { h[k] = extra[k]; });
    return h;
  }
  function getJSON(url) {
    return fetch(url, { headers: { Accept: "application/geo+json, application/json" }, credentials: "same-origin" })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); });
  }
  function vertices(geometry) {
    var count = 0;
    (function walk(c) { if (typeof c[0] === "number") { count += 1; } else { c.forEach(walk); } })(geometry.coordinates);
    return count;
  }
  function textTooltip(layer, text) {
    var span = document.createElement("span");
    span.textContent = text;
    layer.bindTooltip(span);
  }
  function filterQuery() {
    var q = "";
    var d = $("filter-dimension").value, f = $("filter-action-field").value, s = $("filter-status").value;
    if (d) { q += "&dimension=" + encodeURIComponent(d); }
    if (f) { q += "&action_field=" + encodeURIComponent(f); }
    if (s) { q += "&status=" + encodeURIComponent(s); }
    return q;
  }

  // --- layers -----------------------------------------------------------------------------------
  function loadQuartiere() {
    return getJSON(config.areasUrl).then(function (fc) {
      state.quartiere = fc;
      layers.quartiere.clearLayers();
      L.geoJSON(fc, { style: { color: "#1f5f8b", weight: 2, fill: false }, pmIgnore: true, snapIgnore: false,
        onEachFeature: function (f, l) { textTooltip(l, f.properties.name); } }).eachLayer(function (l) { layers.quartiere.addLayer(l); });
      if (fc.features.length) { map.fitBounds(layers.quartiere.getBounds()); }
      loadPriorities();
    });
  }
  var CLASSES = [[0.2, "#fff5eb"], [0.4, "#fdd0a2"], [0.6, "#fd8d3c"], [0.8, "#d94801"], [2, "#7f2704"]];
  function scoreColour(score) {
    if (score === null || score === undefined) { return "#bdbdbd"; }
    for (var i = 0; i < CLASSES.length; i += 1) { if (score < CLASSES[i][0]) { return CLASSES[i][1]; } }
    return CLASSES[CLASSES.length - 1][1];
  }
  function loadPriorities() {
    if (!state.quartiere) { return; }
    var dim = $("filter-dimension").value || "all";
    getJSON(config.prioritiesUrl + "&dimension=" + dim).then(function (data) {
      var byId = {};
      data.results.forEach(function (r) { byId[r.quartier.id] = r; });
      layers.priorities.clearLayers();
      L.geoJSON(state.quartiere, { pmIgnore: true, snapIgnore: true,
        style: function (f) { var r = byId[f.id]; return { color: "#5d4037", weight: 1, fillOpacity: 0.6, fillColor: scoreColour(r && r.score) }; },
        onEachFeature: function (f, l) {
          var r = byId[f.id];
          textTooltip(l, f.properties.name + " – " + msg.score + ": " + (r && r.score !== null ? r.score.toFixed(2) : msg.noScore));
        } }).eachLayer(function (l) { layers.priorities.addLayer(l); });
    });
  }
  function loadContributions() {
    getJSON(config.contributionsUrl).then(function (fc) {
      layers.contributions.clearLayers();
      L.geoJSON(fc, { pmIgnore: true, pointToLayer: function (_f, latlng) {
        return L.circleMarker(latlng, { radius: 5, color: "#263238", weight: 1, fillColor: "#fb8c00", fillOpacity: 0.9 });
      }, onEachFeature: function (f, l) { textTooltip(l, f.properties.category + ": " + f.properties.text); } })
        .eachLayer(function (l) { layers.contributions.addLayer(l); });
    });
  }
  function addEditable(group, feature, kind) {
    var style = kind === "focus-area"
      ? { color: "#6a1b9a", weight: 2, dashArray: "6 4", fillColor: "#ab47bc", fillOpacity: 0.2 }
      : { color: "#37474f", weight: 3, fillColor: "#1e88e5", fillOpacity: 0.35 };
    L.geoJSON(feature, { style: style, pointToLayer: function (_f, latlng) { return L.marker(latlng); } })
      .eachLayer(function (l) {
        l.feature = feature;
        l.qaKind = kind;
        l.qaEtag = '"' + kind + "-" + feature.id + "-" + feature.properties.version + '"';
        textTooltip(l, feature.properties.name || feature.properties.title);
        l.on("click", function () { select(l); });
        group.addLayer(l);
      });
  }
  function loadMeasures() {
    return getJSON(config.measuresUrl + filterQuery()).then(function (fc) {
      layers.measures.clearLayers();
      fc.features.forEach(function (f) { if (f.geometry) { addEditable(layers.measures, f, "measure"); } });
    });
  }
  function loadFocusAreas() {
    var d = $("filter-dimension").value;
    return getJSON(config.focusAreasUrl + (d ? "&dimension=" + encodeURIComponent(d) : "")).then(function (fc) {
      layers.focusAreas.clearLayers();
      fc.features.forEach(function (f) { addEditable(layers.focusAreas, f, "focus-area"); });
    });
  }

  // --- selecting, drawing, saving ------------------------------------------------------------------
  function hideForms() { $("fa-form").hidden = true; $("m-form").hidden = true; }
  function deselect() {
    if (state.selected && state.selected.pm) { state.selected.pm.disable(); }
    state.selected = null;
    hideForms();
  }
  function fillFocusAreaForm(props) {
    var form = $("fa-form");
    form.elements.name.value = props.name || "";
    form.elements.rationale.value = props.rationale || "";
    form.elements.priority.value = props.priority || "medium";
    form.elements.time_horizon.value = props.time_horizon || "medium";
    Array.prototype.forEach.call(form.querySelectorAll("input[name=dimensions]"), function (box) {
      box.checked = (props.dimensions || []).indexOf(box.value) >= 0;
    });
    $("fa-published").checked = !!props.published;
    $("fa-delete").hidden = !props.id;
    form.hidden = false;
  }
  function select(layer) {
    if (state.selected === layer) { return; }
    deselect();
    $("ws-conflict").hidden = true;
    state.selected = layer;
    layer.pm.enable({ snappable: true, snapDistance: config.snapDistance, allowSelfIntersection: false });
    if (layer.qaKind === "focus-area") {
      fillFocusAreaForm(Object.assign({ id: layer.feature.id }, layer.feature.properties));
    } else {
      $("m-title").textContent = layer.feature.properties.title;
      $("m-form").hidden = false;
    }
    status("");
  }
  map.on("pm:create", function (e) {
    var layer = e.layer;
    if (state.selected && state.selected.qaKind === "measure") {
      // a new geometry for the selected measure replaces its old one when saved
      var old = state.selected;
      layer.feature = old.feature; layer.qaKind = "measure"; layer.qaEtag = old.qaEtag; layer.qaReplaces = old;
      layer.on("click", function () { select(layer); });
      layers.measures.addLayer(layer);
      old.setStyle && old.setStyle({ opacity: 0.3, fillOpacity: 0.1 });
      state.selected = layer;
      return;
    }
    if (e.shape !== "Polygon") { layer.remove(); status(msg.selectToEdit); return; }
    layer.feature = { type: "Feature", id: null, properties: { name: "", version: 0 } };
    layer.qaKind = "focus-area";
    layer.on("click", function () { select(layer); });
    layers.focusAreas.addLayer(layer);
    deselect();
    state.selected = layer;
    layer.pm.enable({ snappable: true, snapDistance: config.snapDistance });
    fillFocusAreaForm({ id: null });
    $("fa-legend").textContent = msg.newFocusArea;
    $("fa-name").focus();
  });
  map.on("pm:vertexadded", function (e) {
    var shape = e.workingLayer || e.layer;
    if (shape && shape.getLatLngs && vertices(shape.toGeoJSON().geometry) > config.maxVertices) {
      status(format(msg.tooManyVertices, { n: vertices(shape.toGeoJSON().geometry), max: config.maxVertices }));
    }
  });

  function showConflict() {
    $("ws-conflict-text").textContent = msg.conflict;
    $("ws-conflict").hidden = false;
    status("");
  }
  function failure(response) {
    return response.json().catch(function () { return {}; }).then(function (body) {
      var reason = body.detail || Object.keys(body).map(function (k) { return k + ": " + body[k]; }).join("; ") || response.status;
      status(format(msg.error, { reason: reason }));
    });
  }
  function send(layer, method, url, body) {
    var extra = layer.feature.id ? { "If-Match": layer.qaEtag } : {};
    return fetch(url, { method: method, headers: headers(extra), credentials: "same-origin",
      body: body ? JSON.stringify(body) : undefined }).then(function (response) {
      if (response.status === 412) { showConflict(); return null; }
      if (!response.ok) { return failure(response).then(function () { return null; }); }
      if (response.status === 204) { return {}; }
      layer.qaEtag = response.headers.get("ETag");
      return response.json();
    });
  }
  function geometryOf(layer) {
    var geometry = layer.toGeoJSON().geometry;
    var n = vertices(geometry);
    if (n > config.maxVertices) { status(format(msg.tooManyVertices, { n: n, max: config.maxVertices })); return null; }
    return geometry;
  }
  $("fa-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var layer = state.selected;
    if (!layer || layer.qaKind !== "focus-area") { return; }
    var form = event.target;
    if (!form.elements.name.value.trim()) { status(msg.nameRequired); return; }
    var geometry = geometryOf(layer);
    if (!geometry) { return; }
    var body = {
      name: form.elements.name.value.trim(), rationale: form.elements.rationale.value,
      priority: form.elements.priority.value, time_horizon: form.elements.time_horizon.value,
      dimensions: Array.prototype.filter.call(form.querySelectorAll("input[name=dimensions]"), function (b) { return b.checked; })
        .map(function (b) { return b.value; }),
      published: $("fa-published").checked, geom: geometry,
    };
    var id = layer.feature.id;
    if (!id) { body.city = config.city; }
    send(layer, id ? "PATCH" : "POST", id ? config.focusAreaCreateUrl + id + "/" : config.focusAreaCreateUrl, body)
      .then(function (saved) {
        if (!saved) { return; }
        layer.feature = { type: "Feature", id: saved.id, properties: saved };
        $("ws-conflict").hidden = true;
        status(msg.saved);
        deselect();
        loadFocusAreas();
        loadPriorities();
      });
  });
  $("fa-delete").addEventListener("click", function () {
    var layer = state.selected;
    if (!layer || !layer.feature.id || !window.confirm(msg.confirmDelete)) { return; }
    send(layer, "DELETE", config.focusAreaCreateUrl + layer.feature.id + "/").then(function (done) {
      if (!done) { return; }
      deselect(); layers.focusAreas.removeLayer(layer); status(msg.deleted); loadPriorities();
    });
  });
  $("m-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var layer = state.selected;
    if (!layer || layer.qaKind !== "measure") { return; }
    var geometry = geometryOf(layer);
    if (!geometry) { return; }
    send(layer, "PATCH", "/api/measures/" + layer.feature.id + "/", { geom: geometry }).then(function (saved) {
      if (!saved) { return; }
      if (layer.qaReplaces) { layers.measures.removeLayer(layer.qaReplaces); }
      $("ws-conflict").hidden = true; status(msg.saved); deselect(); loadMeasures();
    });
  });
  function cancel() {
    var layer = state.selected;
    deselect();
    $("ws-conflict").hidden = true;
    if (layer && !layer.feature.id) { layers.focusAreas.removeLayer(layer); }
    loadMeasures(); loadFocusAreas();
  }
  $("fa-cancel").addEventListener("click", cancel);
  $("m-cancel").addEventListener("click", cancel);
  // after a conflict: fetch the current version (shown as a thin outline) and its ETag; the planner's
  // drawing stays as it is and the next save is made against the current version
  $("ws-reload").addEventListener("click", function () {
    var layer = state.selected;
    if (!layer || !layer.feature.id) { return; }
    var url = (layer.qaKind === "focus-area" ? config.focusAreaCreateUrl : "/api/measures/") + layer.feature.id + "/";
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" }).then(function (r) {
      if (!r.ok) { throw new Error(r.status); }
      layer.qaEtag = r.headers.get("ETag");
      return r.json();
    }).then(function (current) {
      if (current.geom) {
        L.geoJSON(current.geom, { pmIgnore: true, style: { color: "#c62828", weight: 1, fill: false, dashArray: "2 4" } }).addTo(map);
      }
      $("ws-conflict").hidden = true;
      status("");
    });
  });
  ["filter-dimension", "filter-action-field", "filter-status"].forEach(function (id) {
    $(id).addEventListener("change", function () { deselect(); loadMeasures(); loadFocusAreas(); loadPriorities(); });
  });

  loadQuartiere();
  loadMeasures();
  loadFocusAreas();
  loadContributions();
  status(msg.selectToEdit);
})();
