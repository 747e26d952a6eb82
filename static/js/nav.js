// The site menu on a narrow screen: a disclosure button (aria-expanded) shows and hides the navigation
// and the language switch. Loaded in <head>, not deferred: the class set on <html> here lets the CSS fold
// the menu before the first paint. Without this script the button stays hidden and the menu stays open.
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.add("has-menu-toggle");
  document.addEventListener("DOMContentLoaded", function () {
    var button = document.querySelector(".menu-toggle");
    var menu = button && document.getElementById(button.getAttribute("aria-controls"));
    if (!menu) {
      root.classList.remove("has-menu-toggle");
      return;
    }
    function isOpen() {
      return button.getAttribute("aria-expanded") === "true";
    }
    function setOpen(open) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
    }
    button.addEventListener("click", function () {
      setOpen(!isOpen());
    });
    // Escape closes the open menu and gives the focus back to its button (only while the button shows)
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape" || !isOpen() || button.offsetParent === null) {
        return;
      }
      var focusInMenu = menu.contains(document.activeElement);
      setOpen(false);
      if (focusInMenu || document.activeElement === button) {
        button.focus();
      }
    });
  });
})();
