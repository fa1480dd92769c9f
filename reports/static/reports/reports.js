// Draw every chart on the page from its JSON island (<canvas id="X"> + <script id="X-data">).
// Each chart's numbers are also in a table on the same page.
(function () {
  "use strict";
  window.bkkCharts = [];
  if (typeof Chart === "undefined") { return; }
  var palette = ["#0b4f8a", "#e07b00", "#2f9e44", "#b42318", "#7048e8", "#868e96"];
  Chart.defaults.font.family = '"Sarabun", "Noto Sans Thai", "Leelawadee UI", Tahoma, sans-serif';
  Chart.defaults.animation = false;  // charts must be complete when printed
  // Draw once the Thai web font is in, or the canvas text falls back to boxes.
  var ready = document.fonts && document.fonts.ready ? document.fonts.ready : Promise.resolve();
  ready.then(drawAll);

  function drawAll() {
  document.querySelectorAll("canvas[id^='chart-']").forEach(function (canvas) {
    var island = document.getElementById(canvas.id + "-data");
    if (!island) { return; }
    var spec = JSON.parse(island.textContent);
    var opts = spec.options || {};
    var horizontal = opts.indexAxis === "y";
    var valueAxis = { beginAtZero: true };
    if (opts.max !== undefined) { valueAxis.max = opts.max; }
    if (opts.min !== undefined) { valueAxis.min = opts.min; valueAxis.beginAtZero = false; }
    if (opts.unit) { valueAxis.ticks = { callback: function (v) { return v + opts.unit; } }; }
    // Every axis says what it counts and in which unit; a second unit gets its own axis.
    if (opts.value_title) { valueAxis.title = { display: true, text: opts.value_title }; }
    var categoryAxis = opts.category_title ? { title: { display: true, text: opts.category_title } } : {};
    var scales = horizontal ? { x: valueAxis, y: categoryAxis } : { y: valueAxis, x: categoryAxis };
    if (opts.value2_title) {
      scales.y2 = {
        position: "right", beginAtZero: true, grid: { drawOnChartArea: false },
        title: { display: true, text: opts.value2_title }
      };
    }
    var chart = new Chart(canvas, {
      type: spec.type,
      data: {
        labels: spec.labels,
        datasets: spec.datasets.map(function (d, i) {
          var colour = palette[(spec.datasets.length === 3 && spec.type === "bar" ? [5, 2, 0] : [0, 1, 2, 3, 4, 5])[i] % palette.length];
          return Object.assign({ backgroundColor: colour, borderColor: colour, spanGaps: true, tension: 0.2 }, d);
        })
      },
      options: {
        indexAxis: horizontal ? "y" : "x",
        maintainAspectRatio: false,
        responsive: true,
        scales: scales,
        plugins: { legend: { position: "bottom" } }
      }
    });
    window.bkkCharts.push(chart);
  });
  }
  window.addEventListener("beforeprint", function () {
    window.bkkCharts.forEach(function (c) { c.resize(); });
  });
})();
