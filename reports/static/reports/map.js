// The month's complaints by district: district polygons shaded by count (from our own
// GeoJSON, so they draw without internet), OSM tiles underneath when reachable.
(function () {
  "use strict";
  var el = document.getElementById("map");
  if (!el || typeof L === "undefined") { return; }
  var points = JSON.parse(document.getElementById("map-data").textContent);
  // Words in the reader's language come from the page (data-cases, data-attribution, data-locale).
  var cases = el.dataset.cases || "";
  var locale = el.dataset.locale || "th-TH";
  var byCode = {};
  var max = 1;
  points.forEach(function (p) { byCode[p.code] = p; if (p.received > max) { max = p.received; } });
  el.innerHTML = "";
  var map = L.map(el, { scrollWheelZoom: false, preferCanvas: true }).setView([13.75, 100.55], 10);
  window.bkkMap = map;
  L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", {
    maxZoom: 18,
    attribution: "&copy; " + (el.dataset.attribution || "") + " <a href=\"https://www.openstreetmap.org/copyright\">OpenStreetMap</a>"
  }).addTo(map);
  function shade(n) {
    var t = n / max;
    var light = Math.round(92 - t * 55);
    return "hsl(210, 70%, " + light + "%)";
  }
  fetch(el.dataset.geojson, { credentials: "same-origin" })
    .then(function (r) { return r.json(); })
    .then(function (geo) {
      var layer = L.geoJSON(geo, {
        style: function (f) {
          var p = byCode[(f.properties.ADM2_PCODE || "").replace("TH", "")] || { received: 0 };
          return { color: "#4a5a6a", weight: 1, fillColor: shade(p.received), fillOpacity: 0.75 };
        },
        onEachFeature: function (f, lyr) {
          var p = byCode[(f.properties.ADM2_PCODE || "").replace("TH", "")];
          if (p) { lyr.bindTooltip(p.name + ": " + p.received.toLocaleString(locale) + " " + cases + " (BEST " + p.best + ")"); }
        }
      }).addTo(map);
      map.fitBounds(layer.getBounds());
    })
    .catch(function () { /* polygons unavailable: the circles and the table remain */ });
  points.forEach(function (p) {
    if (!p.best) { return; }
    L.circleMarker([p.lat, p.lng], {
      radius: 3 + 12 * Math.sqrt(p.best / max), color: "#b42318", weight: 1, fillOpacity: 0.6
    }).bindTooltip(p.name + ": BEST " + p.best).addTo(map);
  });
})();
