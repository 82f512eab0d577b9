// Move focus to the error summary after a form came back with errors, so screen readers read it
// and keyboard users start at the list of links to the fields.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.getElementById("error-summary");
    if (summary) {
      summary.focus();
    }
  });
})();
