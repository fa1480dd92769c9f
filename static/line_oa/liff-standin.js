/* A stand-in for LIFF in the simulator (DEBUG/DEMO_MODE only): the page is opened with a
 * server-signed ?token=standin:… instead of running inside LINE. Same calls as the real SDK. */
(function () {
  "use strict";
  var token = new URLSearchParams(location.search).get("token") || sessionStorage.getItem("bkk1555-standin") || "";
  if (token) sessionStorage.setItem("bkk1555-standin", token);
  window.liff = {
    init: function () { return Promise.resolve(); },
    isInClient: function () { return false; },
    isLoggedIn: function () { return !!token; },
    login: function () { document.body.textContent = "ไม่มีโทเค็นทดสอบ: เปิดแบบฟอร์มจากหน้าจำลอง LINE"; },
    getIDToken: function () { return token; },
    closeWindow: function () { history.back(); }
  };
})();
