// The ballot: what remains of the budget, said live (aria-live) as projects are selected. The rule
// is the server's (budgeting.services.ballot_cast); this only shows it early.
(function () {
  "use strict";
  var form = document.getElementById("ballot");
  var configNode = document.getElementById("bh-ballot-config");
  var out = document.getElementById("bh-remaining");
  if (!form || !configNode || !out) return;
  var config = JSON.parse(configNode.textContent);
  var msg = config.messages;
  var lang = document.documentElement.lang || "de";
  var cents = function (text) { return Math.round(parseFloat(text) * 100); };
  var total = cents(config.total);
  function euros(c) {
    var amount = new Intl.NumberFormat(lang, { maximumFractionDigits: 0 }).format(Math.abs(c) / 100);
    return msg.euros.replace("%(amount)s", amount);
  }
  function update() {
    var spent = 0;
    form.querySelectorAll("input[name=proposals]:checked").forEach(function (box) { spent += cents(box.dataset.cost); });
    var rest = total - spent;
    out.textContent = (rest < 0 ? msg.over : msg.remaining).replace("%(amount)s", euros(rest));
    out.classList.toggle("over", rest < 0);
  }
  form.addEventListener("change", update);
  update();
})();
