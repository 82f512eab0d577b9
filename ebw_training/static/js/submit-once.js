/* A second click on "submit" while the first is on its way sends nothing (the server also stores one attempt
 * per submission token, so this is only a courtesy). */
(function () {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll("form[data-submit-once]"), function (form) {
    var sent = false;
    form.addEventListener("submit", function (event) {
      if (sent) { event.preventDefault(); return; }
      sent = true;
      form.setAttribute("aria-busy", "true");
    });
    window.addEventListener("pageshow", function () { sent = false; form.removeAttribute("aria-busy"); });
  });
}());
