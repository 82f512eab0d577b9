/* Reports the stretches of the lesson video that were actually played, so the server can count the union of
 * watched segments (docs/progress-rules.md). A seek closes the current segment: jumping ahead never counts. */
(function () {
  "use strict";
  var video = document.querySelector("video[data-progress-url]");
  if (!video || !window.fetch) { return; }
  var url = video.getAttribute("data-progress-url");
  var meta = document.querySelector('meta[name="csrf-token"]');
  var token = meta ? meta.getAttribute("content") : "";
  var status = document.querySelector("[data-video-status]");
  var SEND_EVERY_MS = 10000;
  var MAX_STEP = 1.5; /* seconds of media time per timeupdate at normal speed */
  var pending = [];
  var current = null;
  var lastTime = 0;
  var sending = false;
  var watched = false;

  function startSegment() {
    current = [video.currentTime, video.currentTime];
    lastTime = video.currentTime;
  }

  function closeSegment() {
    if (current && current[1] - current[0] > 0.05) { pending.push([current[0], current[1]]); }
    current = null;
  }

  function announce(message) {
    if (status && message) { status.textContent = message; }
  }

  function send(options) {
    var announceResult = options && options.announce;
    if (sending || pending.length === 0) { return; }
    var batch = pending.splice(0, 200);
    sending = true;
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      keepalive: !!(options && options.keepalive),
      headers: {"Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": token},
      body: JSON.stringify({segments: batch})
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (response.redirected || type.indexOf("application/json") !== 0) { throw new Error("not saved"); }
      return response.json().then(function (data) {
        if (!response.ok || !data.ok) { throw new Error(data.message || "not saved"); }
        return data;
      });
    }).then(function (data) {
      if (data.watched && !watched) {
        watched = true;
        announce(data.message);
      } else if (announceResult) {
        announce(data.message);
      }
      video.setAttribute("data-coverage", String(data.coverage));
      if (data.watched) { video.setAttribute("data-watched", "true"); }
    }).catch(function () {
      pending = batch.concat(pending).slice(-1000);
      announce(video.getAttribute("data-msg-failed") || "");
    }).then(function () {
      sending = false;
    });
  }

  video.addEventListener("playing", function () {
    if (!current) { startSegment(); }
  });
  video.addEventListener("seeking", closeSegment);
  video.addEventListener("seeked", function () {
    if (!video.paused) { startSegment(); }
  });
  video.addEventListener("timeupdate", function () {
    if (video.seeking || video.paused || !current) { return; }
    var now = video.currentTime;
    var step = now - lastTime;
    if (step >= 0 && step <= MAX_STEP * Math.max(1, video.playbackRate)) {
      current[1] = now;
    } else {
      closeSegment(); /* a jump the seeking event did not announce: it does not count */
      startSegment();
    }
    lastTime = now;
  });
  video.addEventListener("pause", function () { closeSegment(); send({announce: true}); });
  video.addEventListener("ended", function () { closeSegment(); send({announce: true}); });
  window.setInterval(function () {
    if (current && current[1] > current[0]) {
      pending.push([current[0], current[1]]);
      current = [current[1], current[1]];
    }
    send();
  }, SEND_EVERY_MS);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") {
      var playing = !video.paused;
      closeSegment();
      send({keepalive: true});
      if (playing) { startSegment(); }
    }
  });
}());
