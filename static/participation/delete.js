// The deletion page (/karte/loeschen/#<id>.<token>): the secret code of the link sits in the URL's
// fragment, which the browser never sends to a server. Move it into the confirmation form (posted in
// the body) and out of the address bar, so that it is neither in the history nor shown over a shoulder.
(function () {
  "use strict";
  var form = document.getElementById("delete-form");
  var code = /^#(\d{1,18}\.[A-Za-z0-9_-]{1,128})$/.exec(window.location.hash);
  if (window.location.hash) {
    history.replaceState(null, "", window.location.pathname + window.location.search);
  }
  if (!form || !code) return;  // no code in the link: the field stays for pasting it
  var input = document.getElementById("delete-code");
  input.value = code[1];
  document.getElementById("code-field").hidden = true;
  document.getElementById("code-found").hidden = false;
})();
