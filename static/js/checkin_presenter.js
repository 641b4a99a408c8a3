// Presenter screen: the self check-in code (QR + 6 digits) changes every 60 s; refresh it in place.
(function () {
  "use strict";
  var root = document.getElementById("presenter");
  if (!root) return;
  var left = parseInt(document.getElementById("presenter-left").textContent, 10) || 60;
  function refresh() {
    fetch(root.dataset.stateUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (s) {
        document.getElementById("presenter-qr").innerHTML = s.qr;
        document.getElementById("presenter-code").textContent = s.code;
        document.getElementById("presenter-checked").textContent = s.checked_in + " / " + s.confirmed;
        left = s.seconds_left;
      }).catch(function () {});
  }
  setInterval(function () {
    left -= 1;
    if (left <= 0) { left = 60; refresh(); }
    document.getElementById("presenter-left").textContent = Math.max(left, 0);
  }, 1000);
  setInterval(refresh, 10000);
  refresh();
})();
