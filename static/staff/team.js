// The team page (/planung/team/): after an action or a refused invitation, move the focus to what the
// page says about it (the error summary first), so that a screen reader reads it out.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var target = document.getElementById("invite-errors") || document.getElementById("team-messages");
    if (target) target.focus();
  });
})();
