// The measures' back office pages: after a refused save, the focus goes to what says why — the conflict
// box, else the error summary — so that a screen reader reads it first (WCAG 3.3.1).
(function () {
  "use strict";
  var target = document.getElementById("conflict") || document.querySelector(".mo-row-conflict [role=alert]") ||
    document.querySelector(".mo-error-summary");
  if (target) { target.focus(); }
  // the list's filters fold away on a phone while none is set: the measures come first
  var filters = document.getElementById("filter-box");
  if (filters && filters.getAttribute("data-active") === "0" && window.matchMedia("(max-width: 40em)").matches) {
    filters.open = false;
  }
})();
