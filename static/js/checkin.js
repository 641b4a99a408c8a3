// Check-in console: camera → jsQR → POST /api/v1/checkins → big coloured answer, beep, vibration.
// Falls back to manual search where the camera is not available (WeChat without permission, http).
(function () {
  "use strict";
  var root = document.getElementById("checkin-console");
  if (!root) return;
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  var eventId = parseInt(root.dataset.eventId, 10);
  var video = document.getElementById("checkin-video");
  var canvas = document.getElementById("checkin-canvas");
  var ctx = canvas.getContext("2d", { willReadFrequently: true });
  var panel = document.getElementById("checkin-result");
  var recent = {};          // code → last time sent (ms): the same code is not sent twice within 3 s
  var DEDUP_MS = 3000;
  var busy = false;
  var audio = null;

  function direction() {
    var checked = document.querySelector('input[name="direction"]:checked');
    return checked ? checked.value : "in";
  }

  function beep(ok) {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      var osc = audio.createOscillator(), gain = audio.createGain();
      osc.frequency.value = ok ? 880 : 220;
      gain.gain.value = 0.2;
      osc.connect(gain); gain.connect(audio.destination);
      osc.start(); osc.stop(audio.currentTime + (ok ? 0.12 : 0.35));
    } catch (e) { /* no audio: the colour is enough */ }
    if (navigator.vibrate) navigator.vibrate(ok ? 80 : [60, 60, 60]);
  }

  function show(data) {
    var kind = data.result === "ok" ? "ok" : (data.result === "already_checked_in" ? "warn" : "bad");
    panel.className = "checkin-result d-flex flex-column justify-content-center text-center p-3 mb-2 result-" + kind;
    panel.dataset.result = data.result;
    var reg = data.registration;
    panel.querySelector('[data-part="title"]').textContent = reg && kind !== "bad" ? reg.name : data.message;
    panel.querySelector('[data-part="detail"]').textContent =
      reg && kind !== "bad" ? (reg.organization ? reg.organization.name : "") + " · " + data.message : "";
    beep(kind === "ok");
    refreshStats();
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, "Accept": "application/json" },
      body: JSON.stringify(body)
    }).then(function (r) { return r.json(); });
  }

  function send(code) {
    var now = Date.now();
    if (recent[code] && now - recent[code] < DEDUP_MS) return;
    recent[code] = now;
    busy = true;
    post(root.dataset.apiUrl, { token: code, event_id: eventId, direction: direction(), device: navigator.userAgent.slice(0, 180) })
      .then(function (data) {
        if (data.error) show({ result: "error", message: data.error.message });
        else show(data);
      })
      .catch(function () { show({ result: "error", message: root.dataset.msgNetwork }); })
      .then(function () { busy = false; });
  }

  function tick() {
    if (video.readyState === video.HAVE_ENOUGH_DATA && !busy) {
      var w = video.videoWidth, h = video.videoHeight;
      var scale = Math.min(1, 640 / Math.max(w, h));
      canvas.width = Math.round(w * scale); canvas.height = Math.round(h * scale);
      ctx.drawImage(video, 0, 0, canvas.width, canvas.height);
      var img = ctx.getImageData(0, 0, canvas.width, canvas.height);
      var found = window.jsQR && window.jsQR(img.data, img.width, img.height, { inversionAttempts: "dontInvert" });
      if (found && found.data) send(found.data);
    }
    window.requestAnimationFrame(tick);
  }

  function noCamera() {
    panel.querySelector('[data-part="detail"]').textContent = root.dataset.msgNoCamera;
    document.getElementById("checkin-camera").hidden = true;
    video.hidden = true;
  }

  function startCamera() {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) { noCamera(); return; }
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (stream) {
        video.srcObject = stream;
        video.setAttribute("playsinline", "true");
        var playing = video.play();
        if (playing && playing.catch) playing.catch(function () {});
        document.getElementById("checkin-camera").hidden = true;
        window.requestAnimationFrame(tick);
      })
      .catch(noCamera);
  }

  function refreshStats() {
    fetch(root.dataset.statsUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (c) {
        ["confirmed", "checked_in", "expected"].forEach(function (k) {
          var el = root.querySelector('[data-counter="' + k + '"]');
          if (el && c[k] !== undefined) el.textContent = c[k];
        });
      }).catch(function () {});
  }

  // Manual fallback: search as you type, one tap checks in.
  var list = document.getElementById("checkin-matches");
  var timer = null;
  function renderMatches(items) {
    list.innerHTML = "";
    if (!items.length) {
      var empty = document.createElement("li");
      empty.className = "list-group-item text-muted"; empty.textContent = root.dataset.msgNone;
      list.appendChild(empty); return;
    }
    items.forEach(function (item) {
      var li = document.createElement("li");
      li.className = "list-group-item d-flex align-items-center gap-2";
      var text = document.createElement("div");
      text.className = "flex-fill";
      text.innerHTML = "<div class='fw-semibold'></div><small class='text-muted'></small>";
      text.firstChild.textContent = item.name + " · " + item.phone_last4;
      text.lastChild.textContent = item.organization;
      var button = document.createElement("button");
      button.type = "button"; button.className = "btn btn-lg " + (item.checked_in_at ? "btn-outline-secondary" : "btn-success");
      button.textContent = item.checked_in_at ? root.dataset.msgChecked : root.dataset.msgCheckin;
      button.addEventListener("click", function () {
        post(root.dataset.manualUrl, { registration_id: item.id }).then(function (data) {
          if (data.error) show({ result: "error", message: data.error.message }); else show(data);
          search();
        }).catch(function () { show({ result: "error", message: root.dataset.msgNetwork }); });
      });
      li.appendChild(text); li.appendChild(button); list.appendChild(li);
    });
  }
  function search() {
    var q = document.getElementById("checkin-q").value.trim();
    if (!q) { list.innerHTML = ""; return; }
    fetch(root.dataset.searchUrl + "?q=" + encodeURIComponent(q), { credentials: "same-origin" })
      .then(function (r) { return r.json(); }).then(function (d) { renderMatches(d.items || []); })
      .catch(function () {});
  }
  document.getElementById("checkin-q").addEventListener("input", function () {
    clearTimeout(timer); timer = setTimeout(search, 250);
  });
  document.getElementById("checkin-search").addEventListener("submit", function (e) { e.preventDefault(); search(); });
  document.getElementById("checkin-camera").addEventListener("click", startCamera);

  setInterval(refreshStats, 5000);
  startCamera();
})();
