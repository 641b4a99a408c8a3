// Attendance page: refresh the figures and the latest scans every 10 s (not while a button has focus).
(function () {
  "use strict";
  var root = document.getElementById("attendance-live");
  if (!root) return;
  setInterval(function () {
    if (root.contains(document.activeElement) && document.activeElement.tagName === "BUTTON") return;
    fetch(root.dataset.url, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) { if (html) root.innerHTML = html; })
      .catch(function () {});
  }, 10000);
})();
