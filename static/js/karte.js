// The citizens' participation map (/karte/). Everything users wrote is put into the page as TEXT
// (textContent, setAttribute) — never as HTML — and the page's CSP forbids inline script anyway.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("karte-config").textContent);
  var msg = config.messages;
  var supported = {};   // contribution id -> true, for this account or browser
  var features = [];    // published contributions (GeoJSON features)
  var markers = {};     // id -> L.Marker
  var draft = null;     // the pin being placed
  var own = L.layerGroup();

  function fmt(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (_, key) { return String(values[key]); });
  }
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function day(iso) {
    var d = new Date(iso);
    return isNaN(d) ? "" : d.toLocaleDateString(config.lang === "en" ? "en-GB" : "de-DE");
  }
  function status(text) { document.getElementById("status").textContent = text; }
  function send(method, url, body) {
    var headers = { Accept: "application/json", "X-CSRFToken": config.csrfToken };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    return fetch(url, {
      method: method, headers: headers, credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body),
    }).then(function (response) {
      return response.text().then(function (text) {
        var data = {};
        try { data = text ? JSON.parse(text) : {}; } catch (e) { data = {}; }
        return { ok: response.ok, status: response.status, data: data, response: response };
      });
    });
  }
  function errorText(result) {
    if (result.status === 429) {
      return fmt(msg.tooMany, { s: result.response.headers.get("Retry-After") || "60" });
    }
    var parts = [];
    Object.keys(result.data || {}).forEach(function (key) {
      var value = result.data[key];
      parts.push(Array.isArray(value) ? value.join(" ") : String(value));
    });
    return parts.join(" ") || msg.error;
  }

  // --- the map -----------------------------------------------------------------------------------
  var map = L.map("map", { keyboard: true });
  L.tileLayer(config.basemapUrl, { maxZoom: 19, attribution: config.basemapAttribution }).addTo(map);
  var cluster = L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 40 });
  cluster.addTo(map);
  own.addTo(map);
  // the consultation's city (from the page's configuration) until the consultation's area has loaded
  if (config.view) map.fitBounds(config.view.bounds);
  else map.fitWorld();
  // the address and place search (static/js/place-search.js): the map moves to the chosen place, so
  // the cross in its centre marks it; while pins may be placed, onPlaceChosen (below) takes it further
  var onPlaceChosen = null;
  if (window.QuartiersatlasPlaceSearch) {
    window.QuartiersatlasPlaceSearch.attach(map, {
      onChoose: function (latlng) { if (onPlaceChosen) onPlaceChosen(latlng); },
    });
  }

  // --- where a point lies: the Quartiere and the consultation's area, tested in the browser ------
  // (GeoJSON rings in lon/lat; even-odd ray casting, so holes count as outside)
  var quartiere = [];        // Quartier features (for the select and for naming a place)
  var consultationArea = null;  // the consultation's geometry; null until loaded
  function inRing(x, y, ring) {
    var inside = false;
    for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      var xi = ring[i][0], yi = ring[i][1], xj = ring[j][0], yj = ring[j][1];
      if ((yi > y) !== (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi) inside = !inside;
    }
    return inside;
  }
  function inPolygon(x, y, rings) {
    if (!rings.length || !inRing(x, y, rings[0])) return false;
    for (var k = 1; k < rings.length; k++) { if (inRing(x, y, rings[k])) return false; }
    return true;
  }
  function inGeometry(latlng, geometry) {
    if (!geometry) return false;
    var x = latlng.lng, y = latlng.lat;
    if (geometry.type === "Polygon") return inPolygon(x, y, geometry.coordinates);
    if (geometry.type === "MultiPolygon") {
      return geometry.coordinates.some(function (rings) { return inPolygon(x, y, rings); });
    }
    if (geometry.type === "GeometryCollection") {
      return geometry.geometries.some(function (g) { return inGeometry(latlng, g); });
    }
    return false;
  }
  function quartierAt(latlng) {
    for (var i = 0; i < quartiere.length; i++) {
      if (inGeometry(latlng, quartiere[i].geometry)) return quartiere[i].properties.name;
    }
    return null;
  }
  // true or false; null while the area has not loaded (then the server decides)
  function insideArea(latlng) { return consultationArea ? inGeometry(latlng, consultationArea) : null; }

  var areasLoaded = fetch(config.areasUrl, { headers: { Accept: "application/geo+json" } })
    .then(function (r) { return r.json(); })
    .then(function (collection) {
      quartiere = collection.features || [];
      L.geoJSON(collection, {
        interactive: false,
        style: { color: "#5b6775", weight: 1, fill: false, dashArray: "3 4" },
      }).addTo(map);
    });
  var areaLoaded = fetch(config.consultationUrl, { headers: { Accept: "application/geo+json" } })
    .then(function (r) { return r.json(); })
    .then(function (feature) {
      consultationArea = feature.geometry || null;
      var outline = L.geoJSON(feature, {
        interactive: false,
        style: { color: "#1f5f8b", weight: 3, fillOpacity: 0.04 },
      }).addTo(map);
      map.fitBounds(outline.getBounds());
    });

  // a category's colour (config.categoryColours, the one palette of participation/layers.py) reaches
  // pins and list entries as the CSS custom property --cat, set through the CSSOM (the CSP forbids
  // inline style attributes, not this); Leaflet makes a pin's element anew each time it is shown
  function paintCategory(node, category) {
    var colour = config.categoryColours[category];
    if (colour) node.style.setProperty("--cat", colour);
    return node;
  }
  var PinIcon = L.DivIcon.extend({
    createIcon: function (oldIcon) {
      return paintCategory(L.DivIcon.prototype.createIcon.call(this, oldIcon), this.options.category);
    },
  });
  function icon(category, pending) {
    return new PinIcon({
      className: "pin pin-" + category + (pending ? " pin-pending" : ""),
      category: category,
      iconSize: [20, 20],
      iconAnchor: [10, 10],
      popupAnchor: [0, -10],
    });
  }

  // --- one contribution as DOM (popup and list share it) --------------------------------------------
  function supportButton(feature) {
    var id = feature.id;
    var wrap = el("div", { class: "support" });
    var count = el("span", { class: "support-count" }, fmt(msg.supports, { n: feature.properties.supports }));
    var button = el("button", { type: "button", class: "support-button", "data-id": String(id) });
    function paint() {
      button.textContent = supported[id] ? msg.withdraw : msg.support;
      button.setAttribute("aria-pressed", supported[id] ? "true" : "false");
      count.textContent = fmt(msg.supports, { n: feature.properties.supports });
    }
    button.addEventListener("click", function () {
      var url = config.createUrl + id + "/support/";
      send(supported[id] ? "DELETE" : "POST", url).then(function (result) {
        if (!result.ok) { status(errorText(result)); return; }
        supported[id] = result.data.supported;
        feature.properties.supports = result.data.supports;
        document.querySelectorAll('.support-button[data-id="' + id + '"]').forEach(function (b) {
          b.dispatchEvent(new CustomEvent("repaint"));
        });
        status(fmt(msg.supports, { n: result.data.supports }));
      });
    });
    button.addEventListener("repaint", paint);
    paint();
    if (!config.isOpen) button.disabled = true;
    wrap.appendChild(count);
    wrap.appendChild(document.createTextNode(" "));
    wrap.appendChild(button);
    return wrap;
  }

  function reportForm(feature) {
    var details = el("details", { class: "report" });
    details.appendChild(el("summary", {}, msg.report));
    var label = el("label", {}, msg.reportAsk);
    var select = el("select");
    Object.keys(config.flagReasons).forEach(function (key) {
      select.appendChild(el("option", { value: key }, config.flagReasons[key]));
    });
    label.appendChild(select);
    var button = el("button", { type: "button" }, msg.report);
    button.addEventListener("click", function () {
      send("POST", config.createUrl + feature.id + "/flag/", { reason: select.value }).then(function (result) {
        details.replaceChildren(el("p", {}, result.ok ? msg.reported : errorText(result)));
      });
    });
    details.appendChild(label);
    details.appendChild(button);
    return details;
  }

  function describe(feature, headingTag) {
    var p = feature.properties;
    var box = paintCategory(el("article", { class: "contribution cat-" + p.category }), p.category);
    box.appendChild(el(headingTag, { class: "contribution-head" },
      (config.categories[p.category] || p.category) + " · " + day(p.created)));
    box.appendChild(el("p", { class: "contribution-text" }, p.text));
    var meta = [msg.from + " " + (p.pseudonym || msg.anonymous), config.origins[p.origin] || p.origin];
    if (p.trialog_role) meta.push(config.trialogRoles[p.trialog_role] || p.trialog_role);
    if (p.quartier) meta.push(p.quartier);
    box.appendChild(el("p", { class: "note" }, meta.join(" · ")));
    if (p.generalised_m) box.appendChild(el("p", { class: "note" }, fmt(msg.generalised, { m: p.generalised_m })));
    box.appendChild(supportButton(feature));
    if (p.response) {
      var answer = el("section", { class: "response" });
      answer.appendChild(el("h4", {}, msg.response + " (" + p.response.unit + ", " + day(p.response.date) + ")"));
      answer.appendChild(el("p", { class: "note" }, msg.outcome + ": " + (config.outcomes[p.response.outcome] || "")));
      answer.appendChild(el("p", { class: "contribution-text" }, p.response.text));
      box.appendChild(answer);
    }
    // what became of it: the measures it led to, each linked to its public page, and this
    // contribution's own page (a link to share); titles are data, set as text
    if (p.measure_links && p.measure_links.length) {
      var led = el("section", { class: "led-to" });
      led.appendChild(el("h4", {}, msg.measures));
      var list = el("ul", { class: "measure-links" });
      p.measure_links.forEach(function (measure) {
        var item = el("li");
        item.appendChild(el("a", { href: config.measurePageUrl.replace("/0/", "/" + Number(measure.id) + "/") }, measure.title));
        list.appendChild(item);
      });
      led.appendChild(list);
      box.appendChild(led);
    }
    box.appendChild(el("p", { class: "permalink" })).appendChild(
      el("a", { href: config.contributionPageUrl.replace("/0/", "/" + Number(feature.id) + "/") }, msg.permalink));
    box.appendChild(reportForm(feature));
    return box;
  }

  // --- published contributions: markers and the list ---------------------------------------------
  var filterCategory = document.getElementById("filter-category");
  var filterText = document.getElementById("filter-text");

  function visible(feature) {
    var p = feature.properties;
    var needle = filterText.value.trim().toLowerCase();
    return (!filterCategory.value || p.category === filterCategory.value) &&
      (!needle || p.text.toLowerCase().indexOf(needle) >= 0 ||
        (p.quartier || "").toLowerCase().indexOf(needle) >= 0);
  }

  function render() {
    cluster.clearLayers();
    markers = {};
    var list = document.getElementById("contribution-list");
    list.replaceChildren();
    var shown = features.filter(visible);
    shown.forEach(function (feature) {
      var c = feature.geometry.coordinates;
      var label = (config.categories[feature.properties.category] || "") + ": " + feature.properties.text.slice(0, 80);
      var marker = L.marker([c[1], c[0]], { icon: icon(feature.properties.category), title: label, alt: label });
      // on a phone a contribution with its response is taller than the map: the popup scrolls within
      // it, clear of the attribution at the bottom
      marker.bindPopup(function () { return describe(feature, "h3"); }, {
        maxWidth: 320, maxHeight: Math.max(160, map.getSize().y - 150)
      });
      markers[feature.id] = marker;
      cluster.addLayer(marker);
      var item = el("li");
      item.appendChild(describe(feature, "h3"));
      var locate = el("button", { type: "button", class: "show-on-map" }, msg.showOnMap);
      locate.addEventListener("click", function () {
        cluster.zoomToShowLayer(marker, function () { marker.openPopup(); });
        document.getElementById("map").scrollIntoView({ block: "nearest" });
      });
      item.appendChild(locate);
      list.appendChild(item);
    });
    document.getElementById("list-count").textContent = features.length
      ? fmt(msg.count, { n: shown.length, total: features.length }) : msg.none;
  }
  filterCategory.addEventListener("change", render);
  filterText.addEventListener("input", render);

  Promise.all([
    fetch(config.contributionsUrl, { headers: { Accept: "application/geo+json" } }).then(function (r) { return r.json(); }),
    fetch(config.meUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.json(); }),
  ]).then(function (results) {
    features = results[0].features || [];
    (results[1].supported || []).forEach(function (id) { supported[id] = true; });
    render();
  });

  // --- placing a pin and sending the form -----------------------------------------------------------
  var form = document.getElementById("contribution-form");
  if (!form || !config.isOpen) return;
  var text = document.getElementById("f-text");
  var counter = document.getElementById("f-count");
  function count() { counter.textContent = fmt(msg.chars, { n: text.value.length, max: config.textMax }); }
  text.addEventListener("input", count);
  count();

  var mapElement = document.getElementById("map");
  var crosshair = document.getElementById("crosshair");
  var where = document.getElementById("place-where");
  var useCentre = document.getElementById("use-centre");
  var received = document.getElementById("received");
  var reducedMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  // the cross in the map's centre is the place "Place the pin here" takes; hidden while a pin is placed
  function choosing(on) { crosshair.hidden = !on; }
  function describeCentre() {
    if (draft) return;
    var centre = map.getCenter();
    var inside = insideArea(centre);
    where.textContent = fmt(msg.crosshairAt, {
      quartier: quartierAt(centre) || msg.noQuartier,
      area: inside === false ? msg.outArea : msg.inArea,
    });
  }
  Promise.all([areasLoaded, areaLoaded]).then(function () {
    map.on("moveend", describeCentre);
    describeCentre();
  });

  var quartierSelect = document.getElementById("place-quartier");
  areasLoaded.then(function () {
    quartiere.forEach(function (feature, index) {
      quartierSelect.appendChild(el("option", { value: String(index) }, feature.properties.name));
    });
  });
  quartierSelect.addEventListener("change", function () {
    var feature = quartiere[Number(quartierSelect.value)];
    if (!quartierSelect.value || !feature) return;
    var bounds = L.geoJSON(feature).getBounds();
    if (reducedMotion) map.fitBounds(bounds, { animate: false });
    else map.flyToBounds(bounds, { duration: 0.5 });
    status(fmt(msg.flownTo, { quartier: feature.properties.name }));
  });

  function place(latlng) {
    var inside = insideArea(latlng);
    if (inside === false) {
      // the server would refuse it: say so now, and let the person choose again
      status(msg.outsidePick);
      return;
    }
    if (draft) draft.setLatLng(latlng);
    else draft = L.marker(latlng, { icon: icon("draft", true), keyboard: false }).addTo(map);
    choosing(false);
    form.hidden = false;
    received.hidden = true;
    document.getElementById("form-error").textContent = "";
    var quartier = quartierAt(latlng);
    where.textContent = "";
    status(inside === null || !quartier ? msg.placed : fmt(msg.placedAt, { quartier: quartier }));
    document.getElementById("f-category").focus();
  }
  // the place under the cross; while the map still glides (arrow keys, flying to a Quartier), the
  // place where it comes to rest, not a point on the way
  var moving = false;
  map.on("movestart", function () { moving = true; });
  map.on("moveend", function () { moving = false; });
  function placeAtCross() {
    if (moving) map.once("moveend", function () { place(map.getCenter()); });
    else place(map.getCenter());
  }
  map.on("click", function (event) { place(event.latlng); });
  // a place chosen in the search: a pin being placed moves there; otherwise the map takes the focus,
  // its cross on the place, and Enter (or "Place the pin here") places the pin
  onPlaceChosen = function (latlng) {
    if (draft) place(latlng);
    else mapElement.focus();
  };
  useCentre.addEventListener("click", placeAtCross);
  // Enter on the focused map itself (not on a pin or control inside it) places the pin at the cross
  mapElement.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.target === mapElement) {
      event.preventDefault();
      placeAtCross();
    }
  });
  document.getElementById("f-cancel").addEventListener("click", function () {
    if (draft) { map.removeLayer(draft); draft = null; }
    form.hidden = true;
    status("");
    choosing(true);
    describeCentre();
    useCentre.focus();
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (!draft) return;
    var at = draft.getLatLng();
    var body = {
      consultation: config.consultation,
      lon: Math.round(at.lng * 1e7) / 1e7,
      lat: Math.round(at.lat * 1e7) / 1e7,
      category: form.elements.category.value,
      text: text.value,
      pseudonym: form.elements.pseudonym.value,
      email: form.elements.email.value,
      website: form.elements.website.value,
    };
    var submit = form.querySelector('button[type="submit"]');
    submit.disabled = true;
    send("POST", config.createUrl, body).then(function (result) {
      submit.disabled = false;
      if (!result.ok) {
        document.getElementById("form-error").textContent = errorText(result);
        return;
      }
      map.removeLayer(draft);
      draft = null;
      var mine = L.marker(at, { icon: icon(body.category, result.data.status === "pending"), title: msg.pending });
      var popup = el("article", { class: "contribution" });
      popup.appendChild(el("h3", {}, result.data.status === "pending" ? msg.pending : msg.published));
      popup.appendChild(el("p", { class: "contribution-text" }, body.text));
      mine.bindPopup(popup).addTo(own);
      form.reset();
      count();
      form.hidden = true;
      document.getElementById("received-message").textContent = result.data.message;
      var link = document.getElementById("delete-link");
      link.textContent = result.data.delete_url;
      link.setAttribute("href", result.data.delete_url);
      // the confirmation takes the focus (it is read out, and the deletion link is the next stop);
      // the status line is emptied so that it is not announced twice
      status("");
      received.hidden = false;
      received.focus();
      choosing(true);
      describeCentre();
    }, function () {
      submit.disabled = false;
      document.getElementById("form-error").textContent = msg.error;
    });
  });
})();
