// The on-site record on a phone, with or without signal.
// What is typed is kept in localStorage (one draft per visit and officer) and survives a reload or a lost
// connection. "提交笔录" queues the draft and sends it when the network is there — on the `online` event and
// on an interval — exactly once: the draft carries a key made when it starts, and the server answers a key
// it has already seen with the record it made then.
(function () {
  "use strict";

  var RETRY_MS = 15000;
  var SKIPPED = { csrfmiddlewaretoken: true, client_key: true };
  var STATES = {
    saved: "已保存草稿",
    waiting: "等待网络",
    sending: "正在提交……",
    sent: "已提交",
    invalid: "未提交：请按提示修改后再提交",
    refused: "未提交：请刷新页面或重新登录后再提交"
  };

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

  function showOfflineNotes() {
    var offline = !navigator.onLine;
    document.querySelectorAll("[data-offline-note]").forEach(function (note) { note.hidden = !offline; });
  }

  function RecordDraft(form) {
    this.form = form;
    this.storeKey = form.getAttribute("data-draft-store");
    this.stateEl = form.querySelector("[data-draft-state]");
    this.errorsEl = document.querySelector("[data-draft-errors]");
    this.doneEl = form.querySelector("[data-draft-done]");
    this.keyInput = form.querySelector("input[name=client_key]");
    this.sending = false;
    this.draft = this.load();
  }

  RecordDraft.prototype.load = function () {
    try {
      return JSON.parse(window.localStorage.getItem(this.storeKey) || "null");
    } catch (e) {
      return null;
    }
  };

  RecordDraft.prototype.persist = function () {
    this.draft.savedAt = new Date().toISOString();
    window.localStorage.setItem(this.storeKey, JSON.stringify(this.draft));
  };

  RecordDraft.prototype.collect = function () {
    var fields = {};
    Array.prototype.forEach.call(this.form.elements, function (el) {
      if (!el.name || SKIPPED[el.name] || el.type === "file" || el.type === "submit" || el.type === "button") return;
      if (el.type === "radio") {
        if (el.checked) fields[el.name] = el.value;
        else if (!(el.name in fields)) fields[el.name] = "";
      } else if (el.type === "checkbox") {
        fields[el.name] = el.checked;
      } else {
        fields[el.name] = el.value;
      }
    });
    return fields;
  };

  RecordDraft.prototype.restore = function () {
    var fields = this.draft.fields || {};
    Array.prototype.forEach.call(this.form.elements, function (el) {
      if (!el.name || !(el.name in fields)) return;
      if (el.type === "radio") el.checked = fields[el.name] === el.value;
      else if (el.type === "checkbox") el.checked = !!fields[el.name];
      else if (el.type !== "file") el.value = fields[el.name];
    });
  };

  RecordDraft.prototype.show = function (state) {
    if (!this.stateEl) return;
    var text = STATES[state];
    if (state === "saved" && this.draft && this.draft.savedAt) {
      text += "（" + new Date(this.draft.savedAt).toLocaleTimeString("zh-CN", { hour12: false }) + "）";
    }
    this.stateEl.textContent = text;
    this.stateEl.setAttribute("data-state", state);
  };

  RecordDraft.prototype.showErrors = function (errors) {
    if (!this.errorsEl) return;
    var lines = [];
    Object.keys(errors || {}).forEach(function (name) {
      var field = document.querySelector("label[for=id_" + name + "]");
      var label = field ? field.textContent.replace("*", "") + "：" : "";
      (errors[name] || []).forEach(function (message) { lines.push(label + message); });
    });
    this.errorsEl.innerHTML = "";
    lines.forEach(function (line) {
      var p = document.createElement("p");
      p.textContent = line;
      this.errorsEl.appendChild(p);
    }, this);
    this.errorsEl.hidden = lines.length === 0;
    if (lines.length) this.errorsEl.scrollIntoView({ block: "start" });
  };

  // Every keystroke is kept; the first one starts the draft and its key.
  RecordDraft.prototype.keep = function () {
    if (!this.draft) this.draft = { key: newKey(), pending: false };
    this.draft.fields = this.collect();
    this.keyInput.value = this.draft.key;
    this.persist();
    if (this.doneEl) this.doneEl.hidden = true;
    this.show(this.draft.pending ? "waiting" : "saved");
  };

  RecordDraft.prototype.queue = function () {
    this.keep();
    this.draft.pending = true;
    this.persist();
    this.showErrors({});
    this.send();
  };

  // A form opened from the offline copy carries the token of the sign-in it was kept under; after signing in
  // again that token is refused, so a current one is asked for right before sending.
  RecordDraft.prototype.freshToken = function () {
    var url = this.form.getAttribute("data-csrf-url");
    var input = this.form.querySelector("input[name=csrfmiddlewaretoken]");
    var current = input ? input.value : "";
    if (!url) return Promise.resolve(current);
    return window.fetch(url, {
      credentials: "same-origin", cache: "no-store", headers: { "Accept": "application/json" }
    }).then(function (response) {
      if (!response.ok) return current;
      return response.json().then(function (data) {
        if (data && data.token && input) input.value = data.token;
        return (data && data.token) || current;
      });
    });
  };

  RecordDraft.prototype.send = function () {
    var self = this;
    if (self.sending || !self.draft || !self.draft.pending) return;
    if (!navigator.onLine) {
      self.show("waiting");
      return;
    }
    self.sending = true;
    self.show("sending");
    self.freshToken().then(function (token) {
      var body = new FormData(self.form);
      body.set("client_key", self.draft.key);
      body.set("csrfmiddlewaretoken", token);
      return window.fetch(self.form.action, {
        method: "POST", body: body, credentials: "same-origin",
        headers: { "Accept": "application/json", "X-Requested-With": "XMLHttpRequest", "X-CSRFToken": token }
      });
    }).then(function (response) {
      var json = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
      return (json ? response.json() : Promise.resolve(null)).then(function (data) {
        return { status: response.status, data: data };
      });
    }).then(function (answer) {
      self.sending = false;
      self.answered(answer);
    }, function () {
      // No answer at all (to the token or to the submit): the network dropped. The draft stays queued under
      // the same key.
      self.sending = false;
      self.show("waiting");
    });
  };

  RecordDraft.prototype.answered = function (answer) {
    if (answer.status === 200 && answer.data && answer.data.ok) {
      window.localStorage.removeItem(this.storeKey);
      this.draft = null;
      this.show("sent");
      if (this.doneEl) this.doneEl.hidden = false;
      return;
    }
    if (answer.status === 400 && answer.data) {
      this.draft.pending = false;
      this.persist();
      this.showErrors(answer.data.errors);
      this.show("invalid");
      return;
    }
    if (answer.status === 403 || answer.status === 404 || (answer.status === 200 && !answer.data)) {
      // Signed out, or no longer allowed: keep what was typed, stop sending it.
      this.draft.pending = false;
      this.persist();
      this.show("refused");
      return;
    }
    this.show("waiting");  // a server or gateway error: try again later
  };

  RecordDraft.prototype.start = function () {
    var self = this;
    if (self.draft) {
      self.restore();
      self.keyInput.value = self.draft.key;
      self.show(self.draft.pending ? "waiting" : "saved");
    }
    self.form.addEventListener("input", function () { self.keep(); });
    self.form.addEventListener("change", function () { self.keep(); });
    self.form.addEventListener("submit", function (event) {
      event.preventDefault();
      self.queue();
    });
    window.addEventListener("online", function () { self.send(); });
    window.addEventListener("offline", function () {
      if (self.draft && self.draft.pending) self.show("waiting");
    });
    window.setInterval(function () { self.send(); }, RETRY_MS);
    self.send();
  };

  document.addEventListener("DOMContentLoaded", function () {
    showOfflineNotes();
    window.addEventListener("online", showOfflineNotes);
    window.addEventListener("offline", showOfflineNotes);
    var form = document.querySelector("form[data-draft-store]");
    if (form && window.localStorage && window.fetch && window.FormData) new RecordDraft(form).start();
  });
})();
