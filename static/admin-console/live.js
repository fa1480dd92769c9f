/* The console refreshes itself without a full reload (no websocket server, no framework):
 * every element with data-live-url is fetched again every data-refresh seconds and its
 * content replaced. On the home, ids of urgent queues (new BEST, new escalation) that were
 * not there before are announced: a count in the title, a banner, and a short tone only
 * when the officer turned the sound on (remembered in this browser). */
(function () {
  "use strict";
  var baseTitle = document.title;
  var sound = document.getElementById("console-sound");
  if (sound) {
    sound.checked = localStorage.getItem("console-sound") === "on";
    sound.addEventListener("change", function () {
      localStorage.setItem("console-sound", sound.checked ? "on" : "off");
    });
  }
  function ids(root) {
    var grid = root.querySelector("[data-urgent]");
    return grid ? grid.getAttribute("data-urgent").split(" ").filter(Boolean) : [];
  }
  function beep() {
    if (!sound || !sound.checked) return;
    try {
      var ctx = new (window.AudioContext || window.webkitAudioContext)();
      var osc = ctx.createOscillator();
      osc.frequency.value = 880;
      osc.connect(ctx.destination);
      osc.start();
      osc.stop(ctx.currentTime + 0.25);
    } catch (e) { /* no audio: the banner and the title still say it */ }
  }
  function announce(fresh) {
    var banner = document.getElementById("console-banner");
    var best = fresh.filter(function (i) { return i.indexOf("best_waiting:") === 0; }).length;
    var escalated = fresh.length - best;
    var parts = [];
    if (best) parts.push((banner.dataset.bestText || "BEST ใหม่") + " " + best);
    if (escalated) parts.push((banner.dataset.escalatedText || "ยกระดับใหม่") + " " + escalated);
    banner.textContent = parts.join(" · ");
    banner.hidden = false;
    document.title = "(" + fresh.length + ") " + baseTitle;
    beep();
  }
  function watch(el) {
    var url = el.getAttribute("data-live-url");
    var every = parseInt(el.getAttribute("data-refresh") || "15", 10) * 1000;
    var seen = ids(el);
    function tick() {
      fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.text(); })
        .then(function (html) {
          if (el.contains(document.activeElement) && document.activeElement.tagName !== "A") return;
          el.innerHTML = html;
          var now = ids(el);
          var fresh = now.filter(function (i) { return seen.indexOf(i) < 0; });
          if (fresh.length && document.getElementById("console-banner")) announce(fresh);
          seen = now;
          el.dispatchEvent(new CustomEvent("live:refreshed", { bubbles: true }));
        })
        .catch(function () { /* offline for a moment: try again next time */ })
        .finally(function () { setTimeout(tick, every); });
    }
    setTimeout(tick, every);
  }
  document.addEventListener("focus", function () { document.title = baseTitle; }, true);
  window.addEventListener("focus", function () { document.title = baseTitle; });
  document.querySelectorAll("[data-live-url]").forEach(watch);
})();
