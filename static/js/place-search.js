// Address and place search on a Leaflet map: a control with a combobox (WAI-ARIA 1.2 pattern: the
// input keeps the focus, the results are a listbox, aria-activedescendant names the active one).
// Type → results (debounced fetch of /api/places/) → arrow keys → Enter (or a click) chooses: the map
// moves there (its centre is the place) and options.onChoose(latlng, feature) is called.
// Escape closes the list (a second Escape empties the input). On a narrow map the field is folded
// into a button "Search" until asked for. Results are set with textContent only.
//
//   {% load places %}{% place_search %}          (the page: texts, stylesheet and this script)
//   QuartiersatlasPlaceSearch.attach(map, { onChoose: function (latlng, feature) { … } });
window.QuartiersatlasPlaceSearch = (function () {
  "use strict";
  var node = document.getElementById("place-search-config");
  var config = node ? JSON.parse(node.textContent) : {};
  var msg = config.messages || {};
  var url = config.url || "/api/places/";
  var minLength = config.minLength || 3;
  var count = 0;
  var NARROW_PX = 520; // maps narrower than this show the search folded into a button
  var reducedMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  function text(key, fallback, values) {
    return (msg[key] || fallback).replace(/%\((\w+)\)s/g, function (_m, k) { return String(values ? values[k] : ""); });
  }
  function el(tag, attrs, content) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (content !== undefined) { e.textContent = String(content); }
    return e;
  }

  function attach(map, options) {
    options = options || {};
    var id = "place-search-" + (++count);
    var box = el("div", { class: "leaflet-control place-search" });
    var label = el("label", { for: id + "-input", class: "place-search-label" }, text("label", "Search an address or place"));
    var input = el("input", {
      id: id + "-input", type: "text", role: "combobox", autocomplete: "off", spellcheck: "false",
      "aria-autocomplete": "list", "aria-expanded": "false", "aria-controls": id + "-list",
      "aria-describedby": id + "-status", placeholder: text("placeholder", "e.g. Marktplatz 1"),
      maxlength: String(config.maxLength || 200), class: "place-search-input",
    });
    var list = el("ul", { id: id + "-list", role: "listbox", class: "place-search-list", "aria-label": text("listLabel", "Places found") });
    var status = el("p", { id: id + "-status", class: "place-search-status", "aria-live": "polite", role: "status" });
    // on a narrow map (a phone) the field folds into a button, so that it does not cover the map
    var toggle = el("button", { type: "button", class: "place-search-toggle", "aria-expanded": "false", "aria-controls": id + "-panel" },
      text("toggle", "Search"));
    var panel = el("div", { id: id + "-panel", class: "place-search-panel" });
    list.hidden = true;
    panel.appendChild(label);
    panel.appendChild(input);
    panel.appendChild(list);
    box.appendChild(toggle);
    box.appendChild(panel);
    box.appendChild(status);
    function narrow() { return map.getSize().x < NARROW_PX; }
    function unfold(on) {
      panel.hidden = !on;
      toggle.setAttribute("aria-expanded", on ? "true" : "false");
      box.classList.toggle("place-search-folded", !on);
    }
    function fit() {
      toggle.hidden = !narrow();
      if (!narrow()) { unfold(true); }
    }
    toggle.addEventListener("click", function () {
      unfold(panel.hidden);
      if (!panel.hidden) { input.focus(); }
    });
    map.on("resize", fit);
    if (narrow()) { unfold(false); }
    fit();
    L.DomEvent.disableClickPropagation(box);
    L.DomEvent.disableScrollPropagation(box);

    var features = [];
    var active = -1;
    var timer = null;
    var asked = 0; // the number of the latest request: older answers are dropped

    function open(on) {
      list.hidden = !on;
      input.setAttribute("aria-expanded", on ? "true" : "false");
      if (!on) { activate(-1); }
    }
    function activate(index) {
      active = index;
      Array.prototype.forEach.call(list.children, function (item, i) {
        item.setAttribute("aria-selected", i === index ? "true" : "false");
        if (i === index) { item.scrollIntoView({ block: "nearest" }); }
      });
      if (index >= 0) { input.setAttribute("aria-activedescendant", id + "-option-" + index); }
      else { input.removeAttribute("aria-activedescendant"); }
    }
    function show(found) {
      features = found;
      list.replaceChildren();
      found.forEach(function (feature, i) {
        var p = feature.properties || {};
        var item = el("li", { id: id + "-option-" + i, role: "option", "aria-selected": "false", class: "place-search-option" });
        item.appendChild(el("span", { class: "place-search-name" }, p.label || p.name || ""));
        item.appendChild(el("span", { class: "place-search-kind" }, (config.kinds || {})[p.kind] || p.kind || ""));
        // mousedown would take the focus from the input; the click chooses
        item.addEventListener("mousedown", function (event) { event.preventDefault(); });
        item.addEventListener("click", function () { choose(i); });
        list.appendChild(item);
      });
      open(found.length > 0);
      status.textContent = found.length === 0 ? text("none", "No place found.")
        : found.length === 1 ? text("one", "1 result; choose it with the arrow keys and Enter.")
        : text("many", "%(n)s results; choose with the arrow keys and Enter.", { n: found.length });
    }
    // typing: suggestions as one types (an online Nominatim is asked only on Enter, see the API)
    function search(typing) {
      clearTimeout(timer);
      var q = input.value.trim();
      if (q.length < minLength) {
        features = [];
        list.replaceChildren();
        open(false);
        status.textContent = q ? text("short", "Enter at least %(n)s characters.", { n: minLength }) : "";
        return;
      }
      var mine = ++asked;
      fetch(url + "?limit=8" + (typing ? "&typing=1" : "") + "&q=" + encodeURIComponent(q), { headers: { Accept: "application/geo+json, application/json" } })
        .then(function (response) {
          if (mine !== asked) { return; }
          if (response.status === 429) {
            status.textContent = text("tooMany", "Too many searches; try again in %(s)s seconds.", { s: response.headers.get("Retry-After") || "60" });
            return;
          }
          if (!response.ok) { throw new Error(String(response.status)); }
          return response.json().then(function (data) { if (mine === asked) { show(data.features || []); } });
        })
        .catch(function () { if (mine === asked) { open(false); status.textContent = text("error", "The search failed; please try again."); } });
    }
    function choose(index) {
      var feature = features[index];
      if (!feature) { return; }
      var c = feature.geometry.coordinates;
      var latlng = L.latLng(c[1], c[0]);
      var p = feature.properties || {};
      var zoom = Math.max(map.getZoom(), Math.min(map.getMaxZoom(), 18));
      if (feature.bbox) {
        zoom = map.getBoundsZoom(L.latLngBounds([feature.bbox[1], feature.bbox[0]], [feature.bbox[3], feature.bbox[2]]));
      }
      input.value = p.label || p.name || "";
      open(false);
      var fold = narrow();
      if (fold) { unfold(false); }
      // the chosen place itself in the centre (not the middle of its box): the crosshair is there
      map.setView(latlng, zoom, { animate: !reducedMotion });
      status.textContent = text("moved", "The map shows %(place)s.", { place: input.value });
      if (options.onChoose) { options.onChoose(latlng, feature); }
      // the input was folded away with the focus in it: the focus goes back to the button
      if (fold && document.activeElement === input) { toggle.focus(); }
      else if (fold && !box.contains(document.activeElement) && document.activeElement === document.body) { toggle.focus(); }
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { search(true); }, config.delayMs || 250);
    });
    input.addEventListener("keydown", function (event) {
      var n = features.length;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (list.hidden && n) { open(true); }
        if (n) { activate(active < n - 1 ? active + 1 : 0); }
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        if (list.hidden && n) { open(true); }
        if (n) { activate(active > 0 ? active - 1 : n - 1); }
      } else if (event.key === "Enter") {
        event.preventDefault(); // never submits a surrounding form
        if (!list.hidden && active >= 0) { choose(active); } else { search(false); }
      } else if (event.key === "Escape") {
        if (!list.hidden) { event.preventDefault(); open(false); }
        else if (input.value) { event.preventDefault(); input.value = ""; status.textContent = ""; features = []; }
        else if (narrow()) { event.preventDefault(); unfold(false); toggle.focus(); }
      }
      event.stopPropagation(); // the map's own keyboard handling stays out of the input
    });
    input.addEventListener("blur", function () { open(false); });

    var Control = L.Control.extend({ onAdd: function () { return box; } });
    new Control({ position: options.position || "topright" }).addTo(map);
    return { input: input, choose: choose };
  }

  return { attach: attach };
})();
