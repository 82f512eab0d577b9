/* Reports the lesson video's player events (initialized, played, paused, seeked, completed) for the xAPI Video
 * Profile. One session id per page view. The server adds progress and played segments from what it counted itself. */
(function () {
  "use strict";
  var video = document.querySelector("video[data-xapi-url]");
  if (!video || !window.fetch) { return; }
  var url = video.getAttribute("data-xapi-url");
  var meta = document.querySelector('meta[name="csrf-token"]');
  var token = meta ? meta.getAttribute("content") : "";
  var session = (window.crypto && window.crypto.randomUUID) ? window.crypto.randomUUID() :
    "xxxxxxxx-xxxx-4xxx-8xxx-xxxxxxxxxxxx".replace(/x/g, function () { return (Math.random() * 16 | 0).toString(16); });
  var lastTime = 0;
  var seekFrom = null;
  var initialized = false;

  function report(verb, extra, keepalive) {
    var body = {verb: verb, session: session, time: video.currentTime};
    if (extra) { for (var key in extra) { if (Object.prototype.hasOwnProperty.call(extra, key)) { body[key] = extra[key]; } } }
    fetch(url, {
      method: "POST", credentials: "same-origin", keepalive: !!keepalive,
      headers: {"Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": token},
      body: JSON.stringify(body)
    }).catch(function () { /* a lost player event is not worth bothering the learner */ });
  }

  function initialize() {
    if (initialized) { return; }
    initialized = true;
    report("initialized");
  }

  if (video.readyState >= 1) { initialize(); }
  video.addEventListener("loadedmetadata", initialize);
  video.addEventListener("timeupdate", function () { if (!video.seeking) { lastTime = video.currentTime; } });
  video.addEventListener("seeking", function () { if (seekFrom === null) { seekFrom = lastTime; } });
  video.addEventListener("seeked", function () {
    report("seeked", {from: seekFrom === null ? lastTime : seekFrom, to: video.currentTime});
    seekFrom = null;
    lastTime = video.currentTime;
  });
  video.addEventListener("play", function () { initialize(); report("played"); });
  video.addEventListener("pause", function () { if (!video.ended) { report("paused"); } });
  /* The progress script saves the last segment when the video ends; ask a moment later, so it counts. */
  video.addEventListener("ended", function () { setTimeout(function () { report("completed", null, true); }, 1500); });
})();
