// Lets the day page and the record form open without signal once they were opened online, through the worker
// served at the script tag's data-worker URL (its folder is the worker's scope).
// Browsers allow service workers only on https or on localhost; elsewhere `navigator.serviceWorker` does not
// exist, and the page says that opening it offline needs HTTPS.
(function () {
  "use strict";

  var script = document.currentScript;
  var workerUrl = script && script.getAttribute("data-worker");
  if (!workerUrl) return;

  if (!("serviceWorker" in navigator)) {
    document.querySelectorAll("[data-offline-unavailable]").forEach(function (note) { note.hidden = false; });
    return;
  }

  function askToKeep(worker) {
    return new Promise(function (resolve) {
      var channel = new MessageChannel();
      channel.port1.onmessage = function (event) { resolve(!!(event.data && event.data.kept)); };
      worker.postMessage({ type: "keep-page", url: window.location.href }, [channel.port2]);
    });
  }

  navigator.serviceWorker.register(workerUrl).then(function () {
    return navigator.serviceWorker.ready;
  }).then(function (registration) {
    return registration.active ? askToKeep(registration.active) : false;
  }).then(function (kept) {
    if (kept) document.documentElement.setAttribute("data-offline-ready", "");
  }).catch(function () {
    // Registration refused (a browser setting, or no network for its first download): the page still
    // works online, and the draft is still kept.
  });
})();
