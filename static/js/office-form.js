// Back-office forms: after a rejected save, move the focus to the error summary, so that a screen
// reader announces it and the keyboard starts from the list of links to the fields at fault.
(function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (summary) summary.focus();
  // a delete asks first (the button names what goes); without script it is posted at once
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
    });
  });
})();
