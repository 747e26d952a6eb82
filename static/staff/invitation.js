// The invitation page (/planung/einladung/#<token>): the secret token of the link sits in the URL's
// fragment, which the browser never sends to a server. Move it into the form (posted in the body) and
// out of the address bar, so that it is neither in the history nor in a Referer. After a refused
// attempt, move the focus to the error summary.
(function () {
  "use strict";
  var token = /^#([A-Za-z0-9_-]{16,200})$/.exec(window.location.hash);
  if (window.location.hash) {
    history.replaceState(null, "", window.location.pathname + window.location.search);
  }
  var errors = document.getElementById("invitation-errors");
  if (errors) errors.focus();
  var form = document.getElementById("invitation-form");
  if (!form || !token) return;  // no token in the link: the field stays for pasting it
  document.getElementById("invitation-token").value = token[1];
  document.getElementById("token-field").hidden = true;
  document.getElementById("token-found").hidden = false;
})();
