// The dispatch page's "other agencies": a text box filters the checkbox list as the officer
// types (name, abbreviation or code), instead of a 70-item Ctrl-click list. Ticked agencies
// stay visible. A static file: the CSP runs no inline script.
(function () {
  "use strict";
  document.querySelectorAll(".agency-search").forEach(function (box) {
    var list = document.getElementById(box.dataset.target);
    if (!list) { return; }
    function filter() {
      var q = box.value.trim().toLowerCase();
      list.querySelectorAll("li").forEach(function (li) {
        var ticked = li.querySelector("input").checked;
        li.hidden = q !== "" && !ticked && li.dataset.name.toLowerCase().indexOf(q) < 0;
      });
    }
    box.addEventListener("input", filter);
    box.addEventListener("keydown", function (e) {
      if (e.key === "Enter") { e.preventDefault(); } // Enter filters; it must not send the dispatch
    });
    filter();
  });
})();
