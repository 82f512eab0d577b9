/* An external video (YouTube, Vimeo) loads only after the learner chooses to: no third-party frame before that. */
(function () {
  "use strict";
  var buttons = document.querySelectorAll("button[data-embed-url]");
  Array.prototype.forEach.call(buttons, function (button) {
    var box = button.closest("[data-external-video]");
    var target = box ? box.querySelector("[data-embed-target]") : null;
    if (!target) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var frame = document.createElement("iframe");
      frame.src = button.getAttribute("data-embed-url");
      frame.title = button.getAttribute("data-embed-title") || "Video";
      frame.setAttribute("allow", "fullscreen; picture-in-picture");
      frame.setAttribute("allowfullscreen", "");
      frame.className = "embedded-video";
      target.appendChild(frame);
      button.parentNode.hidden = true;
      frame.focus();
    });
  });
}());
