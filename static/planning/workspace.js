// The planners' workspace: Leaflet + Leaflet-Geoman (vendored). Focus areas and measure geometries are
// drawn and edited here and saved through the API with If-Match (the one scheme of docs/api.md: the
// strong ETag "<kind>-<id>-<version>", every change and delete sends it); a 412 shows the conflict
// message and keeps the planner's drawing on the map; any other refusal shows the API's reason (in
// the page's language) in the status line. Data from the API is shown as text, never as HTML.
//
// The workspace changes only the object the planner explicitly opened: clicking an object opens it
// (mode "open"); its geometry changes only after "Edit geometry" (mode "editing"); "Draw a new focus
// area" (or Geoman's polygon button) draws a new one (mode "drawing"). While drawing or editing, every
// other object on the map is inert — its clicks fall through to the map, where a vertex lands — and
// selecting is refused in code as well. Saving a geometry of another type than the object had asks first.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("workspace-config").textContent);
  var msg = config.messages;
  var $ = function (id) { return document.getElementById(id); };
  var map = L.map("map", { preferCanvas: false });
  // the city's extent (from the page's configuration) until its Quartiere have loaded; no city: the world
  QADrawing.basemap(map, config);

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
  var TOOLS = { // which drawing tools each situation offers (idle: a new focus area only)
    idle: { drawMarker: false, drawPolyline: false, drawPolygon: true },
    "focus-area": { drawMarker: false, drawPolyline: false, drawPolygon: true },
    measure: { drawMarker: true, drawPolyline: true, drawPolygon: true },
  };
  var toolSet = null;
  function tools(set) {
    if (set === toolSet) { return; } // re-adding the controls would end a drawing under way
    toolSet = set;
    // Geoman in the page's language, the texts of the tools offered here from our catalogue; with
    // nothing being edited, the polygon tool draws a new focus area and says so
    var strings = JSON.parse(JSON.stringify(config.geoman));
    if (set === "idle") { strings.buttonTitles.drawPolyButton = msg.newFocusAreaTool; }
    QADrawing.language(map, config, strings);
    map.pm.addControls(Object.assign({
      position: "topleft", drawCircle: false, drawCircleMarker: false, drawRectangle: false, drawText: false,
      cutPolygon: false, rotateMode: false, dragMode: false, editMode: false, removalMode: false,
    }, TOOLS[set]));
    QADrawing.labelTools(map);
  }
  tools("idle");

  // mode: idle | open (an object is shown) | drawing (a new focus area) | editing (the target's geometry)
  var state = { mode: "idle", target: null, replacement: null, dirty: false, quartiere: null };

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
  var vertices = QADrawing.vertices;
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
  var family = QADrawing.family; // point, line, polygon or collection
  function label(layer) {
    if (layer.qaKind === "measure") { return { kind: msg.kindMeasure, name: layer.feature.properties.title }; }
    if (!layer.feature.id) { return { kind: msg.kindNewFocusArea, name: "" }; }
    return { kind: msg.kindFocusArea, name: layer.feature.properties.name };
  }
  function describe(layer) {
    var l = label(layer);
    return l.name ? format(msg.objectLabel, { kind: l.kind, name: l.name }) : l.kind;
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
  // the priority index's classes (planning/layers.py SCORE_CLASSES, through the page's configuration)
  var CLASSES = config.scoreClasses.classes;
  function scoreColour(score) {
    if (score === null || score === undefined) { return config.scoreClasses.none; }
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
      L.geoJSON(fc, { pmIgnore: true, pointToLayer: function (f, latlng) {
        // filled in the category's colour (participation's one palette, through the configuration)
        var colour = config.categoryColours[f.properties.category] || config.noCategoryColour;
        return L.circleMarker(latlng, Object.assign({ radius: 5, fillColor: colour }, config.contributionStyle));
      }, onEachFeature: function (f, l) { textTooltip(l, f.properties.category + ": " + f.properties.text); } })
        .eachLayer(function (l) { layers.contributions.addLayer(l); });
    });
  }
  var STYLE = config.styles; // "focus-area", measure: the profile's map draws them alike (planning/maps.py)
  function addEditable(group, feature, kind) {
    L.geoJSON(feature, { style: STYLE[kind], pointToLayer: function (_f, latlng) { return L.marker(latlng); } })
      .eachLayer(function (l) {
        l.feature = feature;
        l.qaKind = kind;
        // the record's ETag (geo.etag), built from the list's version until a detail or a save brings one
        l.qaEtag = '"' + kind + "-" + feature.id + "-" + feature.properties.version + '"';
        textTooltip(l, feature.properties.name || feature.properties.title);
        l.on("click", function () { open(l); });
        group.addLayer(l);
      });
  }
  // A reload replaces every layer of its group. An object the planner opened (or began to edit) while
  // the reload was under way stays open on its new layer: otherwise the panel would act on a layer no
  // longer on the map, and the pin on the map would be inert.
  function rebind(group, kind) {
    var old = state.target;
    if (!old || old.qaKind !== kind || !old.feature.id || group.hasLayer(old)) { return; }
    group.eachLayer(function (l) {
      if (l.feature.id !== old.feature.id) { return; }
      if (old.pm) { old.pm.disable(); }
      state.target = l;
      if (state.mode === "editing" && !state.replacement) {
        l.pm.enable({ snappable: true, snapDistance: config.snapDistance, allowSelfIntersection: false });
      }
      show(state.mode);
    });
  }
  function loadMeasures() {
    return getJSON(config.measuresUrl + filterQuery()).then(function (fc) {
      layers.measures.clearLayers();
      fc.features.forEach(function (f) { if (f.geometry) { addEditable(layers.measures, f, "measure"); } });
      rebind(layers.measures, "measure");
    });
  }
  function loadFocusAreas() {
    var d = $("filter-dimension").value;
    return getJSON(config.focusAreasUrl + (d ? "&dimension=" + encodeURIComponent(d) : "")).then(function (fc) {
      layers.focusAreas.clearLayers();
      fc.features.forEach(function (f) { addEditable(layers.focusAreas, f, "focus-area"); });
      rebind(layers.focusAreas, "focus-area");
    });
  }

  // --- locking: while drawing or editing only the target answers the pointer -------------------------
  function eachObject(fn) {
    layers.measures.eachLayer(fn);
    layers.focusAreas.eachLayer(fn);
  }
  // a layer's elements: its path or icon, or those of its parts (a multi-point or a collection)
  function elements(layer) {
    if (layer.eachLayer) { var all = []; layer.eachLayer(function (l) { all = all.concat(elements(l)); }); return all; }
    var element = layer.getElement && layer.getElement();
    return element ? [element] : [];
  }
  function mark(layer, className, on) {
    elements(layer).forEach(function (e) { L.DomUtil[on ? "addClass" : "removeClass"](e, className); });
  }
  function lock() {
    L.DomUtil.addClass(map.getContainer(), "ws-locked");
    eachObject(function (l) {
      var own = l === state.target || l === state.replacement;
      mark(l, "ws-inert", !own);
      // an inert pin leaves the keyboard's tab order too (Leaflet makes pins focusable)
      elements(l).forEach(function (e) { if (e.tagName === "IMG") { e.tabIndex = own ? 0 : -1; } });
    });
  }
  function unlock() {
    L.DomUtil.removeClass(map.getContainer(), "ws-locked");
    eachObject(function (l) {
      mark(l, "ws-inert", false);
      elements(l).forEach(function (e) { if (e.tagName === "IMG") { e.tabIndex = 0; } });
    });
  }
  function busy() { return state.mode === "drawing" || state.mode === "editing"; }

  // --- the panel ---------------------------------------------------------------------------------
  function show(mode) {
    state.mode = mode;
    var target = state.target;
    var kind = target ? target.qaKind : null;
    $("ws-idle").hidden = mode !== "idle";
    $("ws-object").hidden = mode === "idle";
    $("fa-form").hidden = kind !== "focus-area";
    $("m-form").hidden = kind !== "measure";
    $("ws-draw-cancel").hidden = mode !== "drawing";
    if (mode === "drawing") {
      $("ws-object-heading").textContent = msg.kindNewFocusArea;
      $("ws-mode").textContent = msg.modeDrawing;
    } else if (target) {
      var l = label(target);
      $("ws-object-heading").textContent = l.name ? l.kind + ": " + l.name : l.kind;
      $("ws-mode").textContent = mode === "open" ? msg.modeOpen
        : target.feature.id ? format(msg.modeEditing, { object: describe(target) }) : msg.modeNew;
    }
    $("fa-edit").hidden = mode !== "open";
    $("fa-delete").hidden = !(kind === "focus-area" && target.feature.id && mode === "open");
    $("m-edit").hidden = mode !== "open";
    $("m-save").hidden = mode !== "editing";
    $("m-cancel").textContent = mode === "editing" ? msg.cancel : msg.close;
    $("fa-cancel").textContent = mode === "open" && !state.dirty ? msg.close : msg.cancel;
    tools(mode === "editing" ? kind : "idle");
    $("ws-filters").disabled = busy();
    if (busy()) { lock(); } else { unlock(); }
    eachObject(function (o) { mark(o, "ws-target", o === target || o === state.replacement); });
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
  }
  // clicking an object opens it, unless something is being drawn or edited, or unsaved input is open
  function open(layer) {
    if (busy() || map.pm.globalDrawModeEnabled()) { return; }
    if (state.target === layer) { return; }
    if (state.mode === "open" && state.dirty) { status(msg.finishFirst); return; }
    $("ws-conflict").hidden = true;
    state.target = layer;
    state.dirty = false;
    if (layer.qaKind === "focus-area") {
      fillFocusAreaForm(Object.assign({ id: layer.feature.id }, layer.feature.properties));
    } else {
      var p = layer.feature.properties;
      $("m-status").textContent = format(msg.measureFacts, { status: config.statusLabels[p.status] || p.status || "–" });
      $("m-admin").href = config.measureAdminUrl.replace("/0/", "/" + encodeURIComponent(layer.feature.id) + "/");
    }
    show("open");
    status("");
    $("ws-object-heading").focus();
  }
  function close(keepDrawing) {
    if (state.target && state.target.pm) { state.target.pm.disable(); }
    if (state.replacement) { state.replacement.pm.disable(); map.removeLayer(state.replacement); }
    if (!keepDrawing && map.pm.globalDrawModeEnabled()) { map.pm.disableDraw(); }
    state.target = null;
    state.replacement = null;
    state.dirty = false;
    show("idle");
  }
  function editGeometry() {
    var layer = state.target;
    if (!layer || state.mode !== "open") { return; }
    layer.pm.enable({ snappable: true, snapDistance: config.snapDistance, allowSelfIntersection: false });
    show("editing");
    status(format(msg.editingStarted, { object: describe(layer) }));
    showMap();
  }
  // on a narrow screen the panel lies below the map: bring the map back into view to draw on it
  function showMap() { map.getContainer().scrollIntoView({ block: "nearest" }); }
  function newFocusArea() {
    if (state.mode === "open" && state.dirty) { status(msg.finishFirst); return false; }
    if (busy()) { return false; }
    close(true); // Geoman's polygon button has started drawing already
    show("drawing");
    status(msg.drawingStarted);
    return true;
  }
  $("ws-new-focus-area").addEventListener("click", function () {
    if (newFocusArea()) { map.pm.enableDraw("Polygon"); showMap(); }
  });
  $("fa-edit").addEventListener("click", editGeometry);
  $("m-edit").addEventListener("click", editGeometry);
  $("fa-form").addEventListener("input", function () {
    if (state.mode === "open") { state.dirty = true; $("fa-cancel").textContent = msg.cancel; }
  });

  // Geoman's own buttons: in idle or open the polygon tool draws a new focus area; while editing, any
  // offered tool draws a replacement for the target's geometry
  map.on("pm:drawstart", function () {
    if (state.mode === "editing" || state.mode === "drawing") { return; }
    if (!newFocusArea()) { setTimeout(function () { map.pm.disableDraw(); }, 0); }
  });
  map.on("pm:drawend", function () {
    // ended without a shape (Geoman's "Cancel", Escape): back to where the planner was
    if (state.mode === "drawing") { show("idle"); status(msg.selectToEdit); }
  });
  map.on("pm:create", function (e) {
    var layer = e.layer;
    if (state.mode === "editing" && state.target) {
      // a new shape for the opened object: it replaces the old one when saved
      var target = state.target;
      if (state.replacement) { map.removeLayer(state.replacement); }
      target.pm.disable();
      if (target.setStyle) { target.setStyle({ opacity: 0.3, fillOpacity: 0.1 }); } else if (target.setOpacity) { target.setOpacity(0.4); }
      state.replacement = layer;
      layer.pm.enable({ snappable: true, snapDistance: config.snapDistance, allowSelfIntersection: false });
      show("editing");
      status(format(msg.replacementDrawn, { object: describe(target) }));
      return;
    }
    if (state.mode !== "drawing" || e.shape !== "Polygon") { layer.remove(); show(state.target ? "open" : "idle"); return; }
    layer.feature = { type: "Feature", id: null, properties: { name: "", version: 0 } };
    layer.qaKind = "focus-area";
    layers.focusAreas.addLayer(layer);
    state.target = layer;
    fillFocusAreaForm({ id: null });
    layer.pm.enable({ snappable: true, snapDistance: config.snapDistance, allowSelfIntersection: false });
    show("editing");
    status(msg.newDrawn);
    $("fa-name").focus();
  });
  map.on("pm:vertexadded", function (e) {
    var shape = e.workingLayer || e.layer;
    if (shape && shape.getLatLngs && vertices(shape.toGeoJSON().geometry) > config.maxVertices) {
      status(format(msg.tooManyVertices, { n: vertices(shape.toGeoJSON().geometry), max: config.maxVertices }));
    }
  });

  // --- the dialog (type change, delete) ---------------------------------------------------------
  function ask(title, text, confirmLabel) {
    var dialog = $("ws-dialog");
    $("ws-dialog-title").textContent = title;
    $("ws-dialog-text").textContent = text;
    $("ws-dialog-confirm").textContent = confirmLabel;
    return new Promise(function (resolve) {
      dialog.addEventListener("close", function done() {
        dialog.removeEventListener("close", done);
        resolve(dialog.returnValue === "confirm");
      });
      dialog.returnValue = "";
      dialog.showModal();
      $("ws-dialog-cancel").focus(); // the safe answer is the default one
    });
  }

  // --- saving ----------------------------------------------------------------------------------
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
  // the geometry to save (null: none, the reason is shown) — after a confirmation when its type changes
  function geometryToSave() {
    var layer = state.target;
    var source = state.replacement || layer;
    var geometry = source.toGeoJSON().geometry;
    var n = vertices(geometry);
    if (n > config.maxVertices) {
      status(format(msg.tooManyVertices, { n: n, max: config.maxVertices }));
      return Promise.resolve(null);
    }
    var before = layer.feature.id ? layer.feature.geometry : null; // as stored when it was loaded
    if (!before || family(before) === family(geometry)) { return Promise.resolve(geometry); }
    return ask(msg.typeChangeTitle,
      format(msg.typeChangeText, { object: describe(layer), old: msg.types[family(before)], new: msg.types[family(geometry)] }),
      msg.typeChangeConfirm).then(function (yes) {
      if (!yes) { status(msg.typeChangeKept); }
      return yes ? geometry : null;
    });
  }
  function saved() {
    $("ws-conflict").hidden = true;
    close();
    status(msg.saved);
  }
  $("fa-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var layer = state.target;
    if (!layer || layer.qaKind !== "focus-area" || state.mode === "drawing") { return; }
    var form = event.target;
    if (!form.elements.name.value.trim()) { status(msg.nameRequired); $("fa-name").focus(); return; }
    geometryToSave().then(function (geometry) {
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
        .then(function (result) {
          if (!result) { return; }
          saved();
          loadFocusAreas();
          loadPriorities();
        });
    });
  });
  $("fa-delete").addEventListener("click", function () {
    var layer = state.target;
    if (!layer || !layer.feature.id || state.mode !== "open") { return; }
    ask(msg.confirmDelete, describe(layer), msg.deleteConfirm).then(function (yes) {
      if (!yes) { return; }
      send(layer, "DELETE", config.focusAreaCreateUrl + layer.feature.id + "/").then(function (done) {
        if (!done) { return; }
        close(); layers.focusAreas.removeLayer(layer); status(msg.deleted); loadPriorities();
      });
    });
  });
  $("m-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var layer = state.target;
    if (!layer || layer.qaKind !== "measure" || state.mode !== "editing") { return; }
    geometryToSave().then(function (geometry) {
      if (!geometry) { return; }
      send(layer, "PATCH", config.measureUrl.replace("/0/", "/" + encodeURIComponent(layer.feature.id) + "/"), { geom: geometry })
        .then(function (result) {
          if (!result) { return; }
          saved();
          loadMeasures();
        });
    });
  });
  // cancel: drop what was drawn and show the stored state again
  function cancel() {
    var wasEditing = state.mode === "editing" || state.mode === "drawing" || state.dirty;
    var layer = state.target;
    close();
    $("ws-conflict").hidden = true;
    if (layer && !layer.feature.id) { layers.focusAreas.removeLayer(layer); }
    if (wasEditing) { loadMeasures(); loadFocusAreas(); status(msg.cancelled); } else { status(msg.selectToEdit); }
  }
  $("fa-cancel").addEventListener("click", cancel);
  $("m-cancel").addEventListener("click", cancel);
  $("ws-draw-cancel-button").addEventListener("click", cancel);
  // after a conflict: fetch the current version (shown as a thin outline) and its ETag; the planner's
  // drawing stays as it is and the next save is made against the current version
  $("ws-reload").addEventListener("click", function () {
    var layer = state.target;
    if (!layer || !layer.feature.id) { return; }
    var url = layer.qaKind === "focus-area" ? config.focusAreaCreateUrl + layer.feature.id + "/"
      : config.measureUrl.replace("/0/", "/" + encodeURIComponent(layer.feature.id) + "/");
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" }).then(function (r) {
      if (!r.ok) { throw new Error(r.status); }
      layer.qaEtag = r.headers.get("ETag");
      return r.json();
    }).then(function (current) {
      if (current.geom) {
        L.geoJSON(current.geom, { pmIgnore: true, interactive: false,
          style: { color: "#c62828", weight: 1, fill: false, dashArray: "2 4" } }).addTo(map);
      }
      $("ws-conflict").hidden = true;
      status("");
    });
  });
  ["filter-dimension", "filter-action-field", "filter-status"].forEach(function (id) {
    $(id).addEventListener("change", function () {
      if (busy() || state.dirty) { status(msg.finishFirst); return; }
      close(); loadMeasures(); loadFocusAreas(); loadPriorities();
    });
  });

  show("idle");
  loadQuartiere();
  loadMeasures();
  loadFocusAreas();
  loadContributions();
  status(msg.selectToEdit);
})();
