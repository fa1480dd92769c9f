// The intake map of the console's add and change forms. A click or a dragged pin fills
// latitude/longitude; the server says which district and khwaeng the point is in
// (agencies/geo.py, the same polygons and rule as the intake check) and both fields follow;
// where the khwaeng layer cannot tell, the district's khwaeng are offered to pick. The district polygons are always drawn (our own GeoJSON);
// OpenStreetMap tiles only when the browser is online. A plain static script: the CSP
// allows no inline code.
(function () {
  "use strict";
  var el = document.getElementById("intake-map");
  var dataEl = document.getElementById("intake-map-data");
  if (!el || !dataEl || typeof L === "undefined") { return; }
  var d = JSON.parse(dataEl.textContent);
  var lat = document.getElementById("id_lat");
  var lng = document.getElementById("id_lng");
  var district = document.getElementById("id_district");
  var khwaeng = document.getElementById("id_subdistrict");
  var status = document.getElementById("intake-map-status");
  var chips = document.getElementById("intake-map-khwaeng");
  var jq = window.django && window.django.jQuery;
  if (!lat || !lng) { return; }

  // Beside the coordinates it fills (the fieldset's lng row), not at the end of the form.
  var box = document.getElementById("intake-map-box");
  var row = lng.closest(".form-row") || lng.closest("div");
  if (box && row && row.parentNode) { row.parentNode.insertBefore(box, row.nextSibling); }

  function num(input) {
    var v = parseFloat((input.value || "").replace(",", "."));
    return isFinite(v) ? v : null;
  }
  function districtCentre() {
    var c = district && d.districts[district.value];
    return c || null;
  }

  var map = L.map(el, { scrollWheelZoom: false });
  if (navigator.onLine !== false) {
    L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", {
      maxZoom: 19,
      attribution: "&copy; <a href=\"https://www.openstreetmap.org/copyright\">OpenStreetMap</a>"
    }).addTo(map);
  } else {
    status.textContent = d.labels.offline;
  }
  fetch(d.geojson, { credentials: "same-origin" })
    .then(function (r) { return r.json(); })
    .then(function (g) {
      var layer = L.geoJSON(g, {
        style: { color: "#37474f", weight: 1, fillOpacity: 0.04 },
        onEachFeature: function (f, l) { l.bindTooltip(f.properties.ADM2_TH || "", { sticky: true }); }
      }).addTo(map);
      // A click on a polygon is a click on the map.
      layer.on("click", function (e) { place(e.latlng, true); });
      el.dataset.polygons = String(g.features.length);
    })
    .catch(function () { el.dataset.polygons = "0"; });

  var pin = null;
  var icon = L.divIcon({ className: "intake-pin", iconSize: [22, 22], iconAnchor: [11, 11] });

  function setSelect(select, id, text) {
    if (!select) { return; }
    id = String(id);
    if (!Array.prototype.some.call(select.options, function (o) { return o.value === id; })) {
      select.appendChild(new Option(text, id, false, false));
    }
    select.value = id;
    if (jq) { jq(select).trigger("change"); } else { select.dispatchEvent(new Event("change", { bubbles: true })); }
  }

  function clearSelect(select) {
    if (!select || !select.value) { return; }
    select.value = "";
    if (jq) { jq(select).trigger("change"); } else { select.dispatchEvent(new Event("change", { bubbles: true })); }
  }

  function offerKhwaeng(list) {
    chips.innerHTML = "";
    if (!list.length) { return; }
    var label = document.createElement("span");
    label.textContent = d.labels.khwaeng + " ";
    chips.appendChild(label);
    list.forEach(function (k) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "intake-khwaeng";
      b.textContent = k.text;
      b.dataset.id = k.id;
      b.addEventListener("click", function () { setSelect(khwaeng, k.id, k.text); });
      chips.appendChild(b);
    });
  }

  function locate(latlng) {
    var url = d.locate + "?lat=" + latlng.lat.toFixed(6) + "&lng=" + latlng.lng.toFixed(6);
    el.dataset.locating = "1";
    return fetch(url, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (res) {
        if (res.outside) {
          status.textContent = res.outside;
          status.classList.add("errornote");
          chips.innerHTML = "";
          return;
        }
        status.classList.remove("errornote");
        setSelect(district, res.district.id, res.district.text);
        var here = res.subdistrict || (res.subdistricts.length === 1 ? res.subdistricts[0] : null);
        if (here) {
          // The reference layer is certain of the khwaeng: filled like the district.
          status.textContent = res.district.text + " · " + d.labels.khwaeng_of + " " + here.text;
          setSelect(khwaeng, here.id, here.text);
          chips.innerHTML = "";
          return;
        }
        // It cannot tell (a khwaeng split off after the layer was drawn): the officer picks.
        status.textContent = res.district.text;
        var ids = res.subdistricts.map(function (k) { return String(k.id); });
        if (khwaeng && khwaeng.value && ids.indexOf(khwaeng.value) < 0) { clearSelect(khwaeng); }
        offerKhwaeng(res.subdistricts);
      })
      .finally(function () { el.dataset.locating = ""; });
  }

  function place(latlng, fill) {
    if (!pin) {
      pin = L.marker(latlng, { draggable: true, icon: icon, keyboard: true }).addTo(map);
      pin.on("dragend", function () { place(pin.getLatLng(), true); });
    } else {
      pin.setLatLng(latlng);
    }
    if (fill) {
      lat.value = latlng.lat.toFixed(6);
      lng.value = latlng.lng.toFixed(6);
      locate(latlng);
    }
  }

  map.on("click", function (e) { place(e.latlng, true); });

  // Typed coordinates move the pin; a district chosen before any point centres the map on it.
  function fromInputs() {
    var a = num(lat), b = num(lng);
    if (a !== null && b !== null) { place(L.latLng(a, b), false); map.setView([a, b], Math.max(map.getZoom() || 16, 16)); }
  }
  lat.addEventListener("change", fromInputs);
  lng.addEventListener("change", fromInputs);
  if (district) {
    var onDistrict = function () {
      var c = districtCentre();
      if (c && !pin) { map.setView(c, 14); }
    };
    if (jq) { jq(district).on("change", onDistrict); } else { district.addEventListener("change", onDistrict); }
  }

  var a = num(lat), b = num(lng), c = districtCentre();
  if (a !== null && b !== null) { place(L.latLng(a, b), false); map.setView([a, b], 16); }
  else if (c) { map.setView(c, 14); }
  else { map.setView(d.centre, 11); }
  window.intakeMap = map;
  el.dataset.ready = "1";
})();
