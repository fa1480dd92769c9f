/* bkk1555 — the report form inside LINE (LIFF).
 *
 * Tolerant of a bad network: photos are resized on the device, kept in IndexedDB and the
 * step, note and position in localStorage until the server confirms them; uploads retry with
 * backoff and again when the phone is back online. Every call carries the LIFF ID token.
 */
(function () {
  "use strict";
  var app = document.getElementById("app");
  var T = window.LIFF_TEXT;
  var MAX_SIDE = 1600, QUALITY = 0.82, TRIES = 3;
  var params = new URLSearchParams(location.search);
  var assignmentId = null, token = "", info = null, draft = null, busy = false;

  function $(id) { return document.getElementById(id); }
  function say(text, kind) { var s = $("status"); s.textContent = text || ""; s.className = "status " + (kind || ""); }
  function key() { return "bkk1555-liff-" + assignmentId; }
  function uid() { return Date.now().toString(36) + Math.random().toString(36).slice(2, 10); }

  // --- local keeping -------------------------------------------------------------------------
  function loadDraft() {
    try { draft = JSON.parse(localStorage.getItem(key()) || "null"); } catch (e) { draft = null; }
    draft = draft || { submission: uid(), step: "", note: "", position: null, photos: [] };
  }
  function saveDraft() { try { localStorage.setItem(key(), JSON.stringify(draft)); } catch (e) { /* full: keep in memory */ } }
  function dropDraft() { localStorage.removeItem(key()); }

  var dbp = null;
  function db() {
    if (!dbp) {
      dbp = new Promise(function (ok, no) {
        if (!window.indexedDB) { no(new Error("no IndexedDB")); return; }
        var r = indexedDB.open("bkk1555-liff", 1);
        r.onupgradeneeded = function () { r.result.createObjectStore("blobs"); };
        r.onsuccess = function () { ok(r.result); };
        r.onerror = function () { no(r.error); };
      });
    }
    return dbp;
  }
  var memory = {};
  function blobOp(mode, k, value) {
    return db().then(function (d) {
      return new Promise(function (ok, no) {
        var tx = d.transaction("blobs", mode), store = tx.objectStore("blobs");
        var r = mode === "readonly" ? store.get(k) : (value === undefined ? store.delete(k) : store.put(value, k));
        r.onsuccess = function () { ok(r.result); };
        r.onerror = function () { no(r.error); };
      });
    }).catch(function () {
      if (mode === "readonly") return memory[k];
      if (value === undefined) delete memory[k]; else memory[k] = value;
    });
  }

  // --- network -------------------------------------------------------------------------------
  function call(url, body, isForm) {
    var ctrl = window.AbortController ? new AbortController() : null;
    var timer = setTimeout(function () { if (ctrl) ctrl.abort(); }, 30000);
    var headers = { Authorization: "Bearer " + token };
    if (!isForm) headers["Content-Type"] = "application/json";
    return fetch(url, { method: "POST", headers: headers, body: isForm ? body : JSON.stringify(body), signal: ctrl && ctrl.signal })
      .then(function (r) {
        clearTimeout(timer);
        return r.json().catch(function () { return { ok: false, message: T.loadFailed }; }).then(function (j) {
          j.status = r.status; return j;
        });
      }, function (err) { clearTimeout(timer); throw err; });
  }
  function withRetry(fn) {
    var attempt = 0;
    function go() {
      return fn().then(function (j) {
        if (j.status >= 500 && ++attempt < TRIES) return wait(attempt).then(go);
        return j;
      }, function (err) {
        if (++attempt < TRIES) return wait(attempt).then(go);
        throw err;
      });
    }
    return go();
  }
  function wait(n) { return new Promise(function (ok) { setTimeout(ok, 700 * Math.pow(2, n - 1)); }); }

  // --- the case ------------------------------------------------------------------------------
  function showCase() {
    var c = $("case");
    c.className = "case" + (info.best ? " best" : "");
    c.innerHTML = "";
    var h = document.createElement("h1");
    h.textContent = (info.best ? "🔴 BEST " : "") + info.reference + " · " + info.category;
    c.appendChild(h);
    [info.place, info.status_label + (info.resolve_due ? " · " + T.due + " " + info.resolve_due : ""),
     T.photos + " " + info.photos].forEach(function (line) {
      var p = document.createElement("p"); p.className = "muted"; p.textContent = line; c.appendChild(p);
    });
    document.querySelectorAll("#steps label").forEach(function (l) {
      l.hidden = info.steps.indexOf(l.getAttribute("data-step")) < 0;
    });
    $("form").hidden = info.steps.length === 0;
    if (!info.steps.length) say(T.closed, "error");
  }

  function renderPhotos() {
    var box = $("photos");
    box.innerHTML = "";
    draft.photos.forEach(function (p) {
      var fig = document.createElement("figure"), img = document.createElement("img"), cap = document.createElement("figcaption");
      blobOp("readonly", p.key).then(function (b) { if (b) img.src = URL.createObjectURL(b); });
      cap.textContent = p.photoId ? T.sent : (p.failed ? T.failed : T.waiting);
      fig.appendChild(img); fig.appendChild(cap); box.appendChild(fig);
    });
  }

  function showPosition() {
    var p = draft.position;
    $("position").textContent = p ? p.lat.toFixed(6) + ", " + p.lng.toFixed(6) + " (" + T.accuracy + Math.round(p.accuracy) + " " + T.metres + ")" : $("position").textContent;
  }

  // --- photos --------------------------------------------------------------------------------
  function resize(file) {
    return new Promise(function (ok) {
      var img = new Image(), url = URL.createObjectURL(file);
      img.onload = function () {
        var scale = Math.min(1, MAX_SIDE / Math.max(img.naturalWidth, img.naturalHeight));
        var canvas = document.createElement("canvas");
        canvas.width = Math.round(img.naturalWidth * scale); canvas.height = Math.round(img.naturalHeight * scale);
        canvas.getContext("2d").drawImage(img, 0, 0, canvas.width, canvas.height);
        URL.revokeObjectURL(url);
        canvas.toBlob(function (b) { ok(b || file); }, "image/jpeg", QUALITY);
      };
      img.onerror = function () { URL.revokeObjectURL(url); ok(file); };  // let the server say what is wrong
      img.src = url;
    });
  }

  function addFiles(files) {
    var list = Array.prototype.slice.call(files);
    return list.reduce(function (chain, file) {
      return chain.then(function () { return resize(file); }).then(function (blob) {
        var k = uid();
        return blobOp("readwrite", k, blob).then(function () {
          draft.photos.push({ key: k, photoId: null, failed: false }); saveDraft(); renderPhotos();
        });
      });
    }, Promise.resolve()).then(uploadAll);
  }

  function uploadOne(p) {
    return blobOp("readonly", p.key).then(function (blob) {
      if (!blob) { p.failed = true; return; }
      return withRetry(function () {
        var form = new FormData();
        form.append("assignment", assignmentId);
        form.append("photo", blob, p.key + ".jpg");
        if (draft.position) { form.append("lat", draft.position.lat); form.append("lng", draft.position.lng); }
        return call(app.getAttribute("data-photo-url"), form, true);
      }).then(function (j) {
        if (j.ok) { p.photoId = j.photo; p.failed = false; info.photos = j.count; blobOp("readwrite", p.key); }
        else { p.failed = true; say(j.message, "error"); if (j.status < 500) p.rejected = true; }
      }, function () { p.failed = true; });
    }).then(function () { saveDraft(); renderPhotos(); });
  }

  function uploadAll() {
    var todo = draft.photos.filter(function (p) { return !p.photoId && !p.rejected; });
    if (!todo.length) return Promise.resolve(true);
    say(T.uploading);
    return todo.reduce(function (chain, p) { return chain.then(function () { return uploadOne(p); }); }, Promise.resolve())
      .then(function () {
        var left = draft.photos.some(function (p) { return !p.photoId && !p.rejected; });
        if (left) say(navigator.onLine === false ? T.offline : T.failed, "error"); else { say(""); showCase(); }
        return !left;
      });
  }

  // --- position ------------------------------------------------------------------------------
  function locate() {
    return new Promise(function (ok) {
      if (!navigator.geolocation) { ok(draft.position); return; }
      $("position").textContent = T.locating;
      navigator.geolocation.getCurrentPosition(function (pos) {
        draft.position = { lat: pos.coords.latitude, lng: pos.coords.longitude, accuracy: pos.coords.accuracy, at: Date.now() };
        saveDraft(); showPosition(); ok(draft.position);
      }, function () {
        if (!draft.position) $("position").textContent = T.noPosition; else showPosition();
        ok(draft.position);
      }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 30000 });
    });
  }

  // --- submit --------------------------------------------------------------------------------
  function submit(ev) {
    ev.preventDefault();
    if (busy) return;
    var step = (document.querySelector("input[name=step]:checked") || {}).value;
    if (!step) { say(T.chooseStep, "error"); return; }
    draft.step = step; draft.note = $("note").value; saveDraft();
    busy = true; $("submit").disabled = true;
    locate().then(uploadAll).then(function (allUp) {
      if (!allUp) return null;
      say(T.sending);
      var pos = draft.position || {};
      return withRetry(function () {
        return call(app.getAttribute("data-report-url"), {
          assignment: assignmentId, submission: draft.submission, step: step, note: draft.note,
          lat: pos.lat, lng: pos.lng, accuracy: pos.accuracy,
          photos: draft.photos.filter(function (p) { return p.photoId; }).map(function (p) { return p.photoId; })
        });
      });
    }).then(function (j) {
      if (!j) return;
      if (!j.ok) { say(j.message, "error"); return; }
      dropDraft();
      info = j.assignment; draft = { submission: uid(), step: "", note: "", position: draft.position, photos: [] };
      $("note").value = ""; document.querySelectorAll("input[name=step]").forEach(function (i) { i.checked = false; });
      showCase(); renderPhotos(); say(j.message, "ok"); offerClose();
    }, function () { say(navigator.onLine === false ? T.offline : T.failed, "error"); })
      .then(function () { busy = false; $("submit").disabled = false; });
  }

  function offerClose() {
    if (!window.liff || !liff.isInClient || !liff.isInClient() || $("close")) return;
    var b = document.createElement("button");
    b.type = "button"; b.id = "close"; b.className = "button secondary"; b.textContent = T.close;
    b.onclick = function () { liff.closeWindow(); };
    $("status").after(b);
  }

  // --- start ---------------------------------------------------------------------------------
  // Opened from the rich menu (no ?a=): the coordinator picks one of the agency's open cases.
  function pick() {
    call(app.getAttribute("data-mine-url"), {}).then(function (j) {
      if (!j.ok) { $("loading").textContent = j.message || T.loadFailed; return; }
      $("loading").textContent = j.assignments.length ? "" : T.pickNone;
      var list = $("picker-list");
      list.innerHTML = "";
      j.assignments.forEach(function (a) {
        var li = document.createElement("li"), b = document.createElement("button"), s = document.createElement("strong");
        b.type = "button"; b.className = a.best ? "best" : "";
        s.textContent = (a.best ? "🔴 BEST " : "") + a.reference + " · " + a.category;
        b.appendChild(s);
        [a.place, a.status_label + (a.resolve_due ? " · " + T.due + " " + a.resolve_due : "")].forEach(function (line) {
          var span = document.createElement("span"); span.className = "muted"; span.textContent = line;
          b.appendChild(span); b.appendChild(document.createElement("br"));
        });
        b.onclick = function () {
          var url = new URL(location.href); url.searchParams.set("a", a.id); url.searchParams.delete("token");
          history.replaceState(null, "", url);
          $("picker").hidden = true; $("loading").textContent = "";
          open(String(a.id));
        };
        li.appendChild(b); list.appendChild(li);
      });
      $("picker").hidden = !j.assignments.length;
    }, function () { $("loading").textContent = T.offline; });
  }

  var wired = false;
  function start() {
    var a = params.get("a");
    if (!a) { pick(); return; }
    open(a);
  }

  function open(a) {
    assignmentId = a;
    loadDraft();
    $("note").value = draft.note || "";
    if (draft.step) { var r = document.querySelector("input[name=step][value=" + draft.step + "]"); if (r) r.checked = true; }
    if (!wired) {
      wired = true;
      $("note").addEventListener("input", function () { draft.note = $("note").value; saveDraft(); });
      $("steps").addEventListener("change", function (e) { draft.step = e.target.value; saveDraft(); });
      $("camera").addEventListener("change", function (e) { addFiles(e.target.files); e.target.value = ""; });
      $("locate").addEventListener("click", locate);
      $("form").addEventListener("submit", submit);
      window.addEventListener("online", function () { if (!busy) uploadAll(); });
    }
    call(app.getAttribute("data-context-url"), { assignment: assignmentId }).then(function (j) {
      if (!j.ok) { $("loading").textContent = j.message || T.loadFailed; return; }
      info = j.assignment; showCase(); renderPhotos(); showPosition();
      if (!draft.position) locate();
      uploadAll();
    }, function () { $("loading").textContent = T.offline; });
  }

  var liffId = app.getAttribute("data-liff-id");
  window.liff.init({ liffId: liffId }).then(function () {
    params = new URLSearchParams(location.search);  // LIFF may have rewritten the address from liff.state
    if (!liff.isLoggedIn()) { liff.login({ redirectUri: location.href }); return; }
    token = liff.getIDToken() || "";
    start();
  }, function () { $("loading").textContent = T.loadFailed; });
})();
