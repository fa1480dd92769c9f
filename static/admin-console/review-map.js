// The review page's small map: the site (red), where each result photo was taken (blue,
// orange when flagged) and the locations the coordinator shared (green). Drawn with
// circle markers so it needs no marker images; OSM tiles underneath when reachable.
(function () {
  "use strict";
  var el = document.getElementById("review-map");
  var data = document.getElementById("review-map-data");
  if (!el || !data || typeof L === "undefined") { return; }
  var d = JSON.parse(data.textContent);
  var points = [];
  el.innerHTML = "";
  var map = L.map(el, { scrollWheelZoom: false }).setView([13.75, 100.55], 11);
  window.reviewMap = map;
  L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", {
    maxZoom: 19,
    attribution: "&copy; <a href=\"https://www.openstreetmap.org/copyright\">OpenStreetMap</a>"
  }).addTo(map);
  function add(p, color, radius) {
    L.circleMarker([p.lat, p.lng], { radius: radius, color: color, weight: 2, fillOpacity: 0.6 })
      .bindTooltip(p.label).addTo(map);
    points.push([p.lat, p.lng]);
  }
  if (d.site) {
    add(d.site, "#c62828", 9);
    L.circle([d.site.lat, d.site.lng], { radius: 300, color: "#c62828", weight: 1, fill: false, dashArray: "4" }).addTo(map);
  }
  d.photos.forEach(function (p) { add(p, p.flagged ? "#ef6c00" : "#1565c0", 7); });
  d.shared.forEach(function (p) { add(p, "#2e7d32", 7); });
  if (points.length === 1) { map.setView(points[0], 17); }
  else if (points.length > 1) { map.fitBounds(points, { padding: [30, 30], maxZoom: 18 }); }
  el.dataset.markers = String(points.length);
})();
