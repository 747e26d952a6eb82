// Every Leaflet map of the page shows the attribution of the area data (settings.DATA_ATTRIBUTION,
// given by geo/leaflet.html as json_script) in its attribution control, next to the basemap's. Loaded
// right after leaflet.js, before any map is made. The text is data: set as a text node, never as HTML.
(function () {
  "use strict";
  var node = document.getElementById("data-attribution");
  if (!node || !window.L) { return; }
  var data = JSON.parse(node.textContent);
  if (!data || !data.text) { return; }
  var element = document.createElement(data.url ? "a" : "span");
  element.textContent = data.text;
  if (data.url) {
    element.href = data.url;
    element.rel = "license";
  }
  var html = element.outerHTML;
  // the attribution takes two or three lines at the bottom of a phone's map: popups pan clear of it,
  // so that their links are never under it
  L.Popup.mergeOptions({ autoPanPaddingBottomRight: L.point(5, 64) });
  L.Map.addInitHook(function () {
    if (this.attributionControl) { this.attributionControl.addAttribution(html); }
  });
}());
