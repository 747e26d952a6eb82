// Budget chart of the profile and the report (Chart.js, vendored): data from the page's json_script.
(function () {
  "use strict";
  var print = document.getElementById("print");
  if (print) {
    print.addEventListener("click", function () { window.print(); });
  }
  var source = document.getElementById("chart-data");
  var canvas = document.getElementById("budget-chart");
  if (!source || !canvas || typeof Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  if (!data.years || !data.years.length) { canvas.parentNode.hidden = true; return; }
  var colours = { just: "#8e24aa", green: "#43a047", productive: "#1e88e5", none: "#9e9e9e",
    investment: "#1f5f8b", maintenance: "#f9a825", operating: "#8d6e63" };
  var lang = document.documentElement.lang || "de";
  var money = new Intl.NumberFormat(lang, { style: "currency", currency: "EUR", maximumFractionDigits: 0 });
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: data.years.map(String),
      datasets: data.series.map(function (s) {
        return { label: s.label, data: s.values, backgroundColor: colours[s.key] || "#607d8b" };
      }),
    },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      plugins: {
        title: { display: true, text: data.title },
        tooltip: { callbacks: { label: function (ctx) { return ctx.dataset.label + ": " + money.format(ctx.parsed.y); } } },
      },
      scales: { x: { stacked: true }, y: { stacked: true, ticks: { callback: function (v) { return money.format(v); } } } },
    },
  });
})();
