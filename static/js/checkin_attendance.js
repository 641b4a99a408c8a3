// Live attendance (the attendance page and the organizer's event hub): refresh the figures and the
// latest scans every 10 s (not while a button has focus); a panel marked data-load-now fills at once.
(function () {
  "use strict";
  var root = document.getElementById("attendance-live");
  if (!root) return;
  function refresh() {
    if (root.contains(document.activeElement) && document.activeElement.tagName === "BUTTON") return;
    fetch(root.dataset.url, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) { if (html) root.innerHTML = html; })
      .catch(function () {});
  }
  if (root.dataset.loadNow) refresh();
  setInterval(refresh, 10000);
})();
