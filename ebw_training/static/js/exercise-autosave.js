/* Autosave of an exercise draft: every few seconds after a change and when a field loses focus.
 *
 * Nothing typed is lost: every change is also kept in this browser's localStorage until the server confirms it.
 * If saving fails (no connection, logged out, page expired) the answers stay there, and the next time this page
 * loads for the same learner and module they are put back into the form and saved. The entry is removed as soon as
 * the server has the answers. Without JavaScript the "Opslaan" button does the same job, and answers posted after
 * the session has gone are kept on the server (see learning/views.py keep_typed_answers).
 *
 * The visible status line changes at every save and is not a live region; screen readers are told only what
 * matters, through a separate hidden live region: the first save, a failure (once per kind of failure), the
 * first save after a failure, and answers put back. */
(function () {
  "use strict";
  /* A handed-in exercise is locked and the server has the answers: remove the copy kept in this browser, so
   * nothing stays behind on a shared computer. */
  var handedIn = document.querySelector("[data-forget-draft]");
  if (handedIn) {
    try {
      window.localStorage.removeItem("ebw-oefening:" + handedIn.getAttribute("data-forget-draft"));
    } catch (e) { /* storage blocked: nothing was kept */ }
    return;
  }
  var form = document.querySelector("form[data-autosave-url]");
  if (!form || !window.fetch || !window.FormData) { return; }
  var url = form.getAttribute("data-autosave-url");
  var key = "ebw-oefening:" + form.getAttribute("data-draft-key");
  var serverSavedAt = parseInt(form.getAttribute("data-saved-at") || "0", 10);
  var status = form.querySelector("[data-autosave-status]");
  var announcer = form.querySelector("[data-autosave-announce]");
  var announced = null; /* kind of the last announcement: "saved", "restored" or a kind of failure */
  var meta = document.querySelector('meta[name="csrf-token"]');
  var token = meta ? meta.getAttribute("content") : "";
  var SAVE_EVERY_MS = 4000;
  var SKIP = {csrf_token: true, action: true};
  var dirty = false;
  var saving = false;
  var stopped = false;

  function message(name) { return form.getAttribute("data-msg-" + name) || ""; }

  function show(text, withLogin) {
    if (!status) { return; }
    status.textContent = text;
    if (withLogin) {
      var link = document.createElement("a");
      link.href = form.getAttribute("data-login-url");
      link.textContent = message("login-link");
      status.appendChild(document.createTextNode(" "));
      status.appendChild(link);
    }
  }

  function announce(kind, text) {
    if (!announcer || kind === announced) { return; }
    announced = kind;
    announcer.textContent = text;
  }

  function fields() {
    var data = {};
    new FormData(form).forEach(function (value, name) {
      if (SKIP[name] || typeof value !== "string") { return; }
      if (Object.prototype.hasOwnProperty.call(data, name)) {
        data[name] = [].concat(data[name], value);
      } else {
        data[name] = value;
      }
    });
    return data;
  }

  function remember() {
    try {
      window.localStorage.setItem(key, JSON.stringify({t: Date.now(), base: serverSavedAt, fields: fields()}));
    } catch (e) { /* storage full or blocked: the server copy is all we have */ }
  }

  function forget() {
    try { window.localStorage.removeItem(key); } catch (e) { /* nothing to remove */ }
  }

  function read() {
    try { return JSON.parse(window.localStorage.getItem(key) || "null"); } catch (e) { return null; }
  }

  function fill(values) {
    Array.prototype.forEach.call(form.elements, function (element) {
      var name = element.name;
      if (!name || SKIP[name] || element.type === "hidden" || element.disabled) { return; }
      var value = Object.prototype.hasOwnProperty.call(values, name) ? values[name] : "";
      var list = [].concat(value);
      if (element.type === "radio" || element.type === "checkbox") {
        element.checked = list.indexOf(element.value) !== -1;
      } else if (element.tagName === "TEXTAREA" || element.tagName === "INPUT" || element.tagName === "SELECT") {
        element.value = list.length ? list[0] : "";
      }
    });
  }

  function same(a, b) { return JSON.stringify(a) === JSON.stringify(b); }

  function save() {
    if (!dirty || saving || stopped) { return; }
    saving = true;
    dirty = false;
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: {"Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": token},
      body: JSON.stringify({fields: fields()})
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (response.redirected || response.status === 401) { throw {kind: "login"}; }
      if (type.indexOf("application/json") !== 0) { throw {kind: response.status === 400 ? "expired" : "offline"}; }
      return response.json().then(function (data) {
        if (!response.ok || !data.ok) { throw {kind: data.reason || "offline", message: data.message}; }
        return data;
      });
    }).then(function (data) {
      serverSavedAt = data.saved_at;
      if (dirty) { remember(); } else { forget(); }
      show(data.message);
      announce("saved", data.message);
    }).catch(function (problem) {
      if (problem && (problem.kind === "locked" || problem.kind === "other_user")) {
        stopped = true;
        forget();
        show(problem.message || "");
        announce(problem.kind, problem.message || "");
        return;
      }
      dirty = true;
      remember();
      var kind = problem && problem.kind;
      if (kind !== "login" && kind !== "expired") { kind = "offline"; }
      show(message(kind), kind === "login");
      announce(kind, message(kind));
    }).then(function () {
      saving = false;
    });
  }

  function changed() {
    dirty = true;
    remember();
  }

  /* Put back what was typed here but never reached the server. */
  var kept = read();
  if (form.hasAttribute("data-has-pending")) {
    forget(); /* the server kept the same answers; the learner chooses on the page */
  } else if (kept && kept.fields && kept.base === serverSavedAt && !same(kept.fields, fields())) {
    fill(kept.fields);
    dirty = true;
    show(message("restored"));
    announce("restored", message("restored"));
    save();
  } else if (kept) {
    forget();
  }

  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("focusout", function () { save(); });
  form.addEventListener("submit", function () { remember(); stopped = true; });
  window.setInterval(save, SAVE_EVERY_MS);
}());
