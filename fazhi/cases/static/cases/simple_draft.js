// The on-the-spot decision form on a phone. What is typed is kept in localStorage (one draft per officer and
// finding) and survives a reload or a lost connection. The draft carries a key made when it starts and sent
// with the form, so a resend (a second tap, a retry after the connection dropped) gets the decision the first
// one made. A submit without network waits and goes when the network is back. The decision page clears the
// draft whose key it shows.
(function () {
  "use strict";

  var PREFIX = "fazhi:simple-decision:";
  var STATES = { saved: "已保存草稿", waiting: "等待网络：联网后自动提交", sending: "正在提交……" };

  function newKey() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") return window.crypto.randomUUID();
    // randomUUID needs a secure context; an intranet page over plain http still has getRandomValues.
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 0x100).toString(16).slice(1); }).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }

  function read(storeKey) {
    try { return JSON.parse(window.localStorage.getItem(storeKey) || "null"); } catch (e) { return null; }
  }

  function clearDecided(key) {
    for (var i = window.localStorage.length - 1; i >= 0; i--) {
      var name = window.localStorage.key(i);
      if (name && name.indexOf(PREFIX) === 0) {
        var draft = read(name);
        if (!draft || draft.key === key) window.localStorage.removeItem(name);
      }
    }
  }

  function Draft(form) {
    this.form = form;
    this.storeKey = form.getAttribute("data-draft-store");
    this.stateEl = form.querySelector("[data-draft-state]");
    this.keyInput = form.querySelector("input[name=client_key]");
    this.button = form.querySelector("button[type=submit]");
    this.draft = read(this.storeKey);
  }

  Draft.prototype.collect = function () {
    var fields = {};
    Array.prototype.forEach.call(this.form.elements, function (el) {
      if (!el.name || el.name === "csrfmiddlewaretoken" || el.name === "client_key" || el.type === "submit") return;
      if (el.type === "radio") { if (el.checked) fields[el.name] = el.value; }
      else if (el.type === "checkbox") fields[el.name] = el.checked;
      else fields[el.name] = el.value;
    });
    return fields;
  };

  Draft.prototype.restore = function () {
    var fields = this.draft.fields || {};
    Array.prototype.forEach.call(this.form.elements, function (el) {
      if (!el.name || !(el.name in fields)) return;
      if (el.type === "radio") el.checked = fields[el.name] === el.value;
      else if (el.type === "checkbox") el.checked = !!fields[el.name];
      else el.value = fields[el.name];
    });
  };

  Draft.prototype.show = function (state) {
    if (!this.stateEl) return;
    this.stateEl.textContent = STATES[state] || "";
    this.stateEl.setAttribute("data-state", state);
  };

  Draft.prototype.keep = function () {
    if (!this.draft) this.draft = { key: this.keyInput.value || newKey(), pending: false };
    this.draft.fields = this.collect();
    this.keyInput.value = this.draft.key;
    window.localStorage.setItem(this.storeKey, JSON.stringify(this.draft));
    this.show(this.draft.pending ? "waiting" : "saved");
  };

  Draft.prototype.send = function () {
    this.draft.pending = false;
    window.localStorage.setItem(this.storeKey, JSON.stringify(this.draft));
    this.show("sending");
    if (this.button) this.button.disabled = true;
    this.form.submit();  // the form's own submit: no submit event, no second pass through the handler
  };

  Draft.prototype.start = function () {
    var self = this;
    if (self.draft) {
      self.restore();
      self.keyInput.value = self.draft.key;
      self.show(self.draft.pending ? "waiting" : "saved");
    } else {
      self.keyInput.value = self.keyInput.value || newKey();
    }
    self.form.addEventListener("input", function () { self.keep(); });
    self.form.addEventListener("change", function () { self.keep(); });
    self.form.addEventListener("submit", function (event) {
      event.preventDefault();
      self.keep();
      if (navigator.onLine) { self.send(); return; }
      self.draft.pending = true;
      self.keep();
    });
    window.addEventListener("online", function () { if (self.draft && self.draft.pending) self.send(); });
    if (self.draft && self.draft.pending && navigator.onLine) self.send();
  };

  // Fine, cash and receipt only when the penalty includes a fine.
  function toggleFine(form) {
    var checked = form.querySelector("input[name=penalty]:checked");
    var fined = !!checked && checked.value.split(" ").indexOf("fine") !== -1;
    form.querySelectorAll("[data-needs-fine]").forEach(function (el) { el.hidden = !fined; });
  }

  function showOfflineNotes() {
    document.querySelectorAll("[data-offline-note]").forEach(function (note) { note.hidden = navigator.onLine; });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (!window.localStorage) return;
    var decided = document.querySelector("[data-draft-clear]");
    if (decided) clearDecided(decided.getAttribute("data-draft-clear"));
    var form = document.querySelector("form[data-draft-store]");
    if (!form) return;
    showOfflineNotes();
    window.addEventListener("online", showOfflineNotes);
    window.addEventListener("offline", showOfflineNotes);
    new Draft(form).start();
    toggleFine(form);
    form.addEventListener("change", function () { toggleFine(form); });
  });
})();
