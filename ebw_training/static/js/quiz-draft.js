// Keeps a learner's quiz answers in this browser until they are handed in, so nothing is lost when the session
// expires or the page is closed. The answers belong to one quiz form (its token, which fixes the questions drawn
// and their order); after logging in again the learner chooses to put them back (?poging=TOKEN shows that same
// form again). The result page of a handed-in attempt clears the saved answers.
(function () {
  "use strict";
  var PREFIX = "ebw-quiz:";

  function storage() {
    try { return window.localStorage; } catch (e) { return null; }
  }
  var store = storage();
  if (!store) { return; }

  var done = document.querySelector("[data-quiz-done]");
  if (done) { store.removeItem(PREFIX + done.getAttribute("data-quiz-done")); }

  var form = document.querySelector("form[data-quiz-draft]");
  if (!form) { return; }
  var key = PREFIX + form.getAttribute("data-quiz-draft");
  var tokenField = form.querySelector("input[name=token]");
  var token = tokenField ? tokenField.value : "";

  function read() {
    try { return JSON.parse(store.getItem(key) || "null"); } catch (e) { return null; }
  }

  function collect() {
    var fields = {};
    form.querySelectorAll("input[type=radio]:checked, input[type=checkbox]:checked").forEach(function (input) {
      (fields[input.name] = fields[input.name] || []).push(input.value);
    });
    form.querySelectorAll("select").forEach(function (select) {
      if (select.value) { fields[select.name] = [select.value]; }
    });
    return fields;
  }

  function restore(fields) {
    Object.keys(fields).forEach(function (name) {
      var values = fields[name];
      form.querySelectorAll("[name='" + name.replace(/'/g, "") + "']").forEach(function (field) {
        if (field.tagName === "SELECT") {
          if (!field.value) { field.value = values[0]; }
        } else if (values.indexOf(field.value) !== -1) {
          field.checked = true;
        }
      });
    });
  }

  function save() {
    store.setItem(key, JSON.stringify({ token: token, fields: collect(), saved: Date.now() }));
  }

  var draft = read();
  var asked = new URLSearchParams(window.location.search).get("poging");
  var hasDraft = draft && draft.fields && Object.keys(draft.fields).length > 0;
  if (hasDraft && draft.token === token) {
    if (Object.keys(collect()).length === 0) { restore(draft.fields); }
  } else if (hasDraft && asked) {
    store.removeItem(key); // that form can no longer be handed in (too old, or already handed in)
  } else if (hasDraft) {
    var notice = document.querySelector("[data-quiz-draft-notice]");
    if (notice) {
      var link = notice.querySelector("[data-quiz-draft-restore]");
      link.setAttribute("href", "?poging=" + encodeURIComponent(draft.token));
      notice.querySelector("[data-quiz-draft-discard]").addEventListener("click", function () {
        store.removeItem(key);
        notice.hidden = true;
      });
      notice.hidden = false;
    }
  }
  form.addEventListener("change", save);
})();
