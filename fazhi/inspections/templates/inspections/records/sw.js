// Keeps the officer's day page and record forms openable without signal once they were opened online.
// Browsers run service workers only for pages served over https or from localhost.
//
// What is kept, and nothing else: GET navigations of the day page and of the record forms (network first,
// the kept copy only when the network fails), at most `pageLimit` of them, and the static files those pages
// load. Never a POST, an API or HTMX answer, or any other page. A worker cannot see a logout (it happens
// outside this scope), so the kept pages are replaced on every load online and dropped as soon as the server
// stops serving them to this browser: a record form that answers with a redirect or a 4xx is forgotten, and
// all pages go when the day page does so (nobody signed in, or no longer an officer).
"use strict";

var CONFIG = {{ config|safe }};
var PREFIX = "fazhi-inspections-";
var STATIC_CACHE = PREFIX + "static-" + CONFIG.version;
var PAGE_CACHE = PREFIX + "pages";
var PAGES = CONFIG.pages.map(function (pattern) { return new RegExp(pattern); });
var DAY_PAGE = PAGES[0];
var STATIC_URLS = CONFIG.staticUrls.map(function (url) { return new URL(url, self.location.href).href; });

function isKeptPage(url) {
  return url.origin === self.location.origin && PAGES.some(function (re) { return re.test(url.pathname); });
}

function trim(cache) {
  // Keys come back oldest first, and a page put again moves to the end.
  return cache.keys().then(function (keys) {
    var extra = keys.slice(0, Math.max(0, keys.length - CONFIG.pageLimit));
    return Promise.all(extra.map(function (key) { return cache.delete(key); }));
  });
}

function keep(url, response) {
  return caches.open(PAGE_CACHE).then(function (cache) {
    return cache.put(url, response).then(function () { return trim(cache); });
  });
}

function forget(url) {
  if (DAY_PAGE.test(new URL(url).pathname)) return caches.delete(PAGE_CACHE);
  return caches.open(PAGE_CACHE).then(function (cache) { return cache.delete(url); });
}

function kept(url) {
  return caches.open(PAGE_CACHE).then(function (cache) { return cache.match(url, { ignoreVary: true }); });
}

function keepable(response) {
  return response.ok && response.type === "basic" && !response.redirected;
}

function networkFirst(event) {
  var url = event.request.url;
  return fetch(event.request).then(function (response) {
    if (keepable(response)) {
      event.waitUntil(keep(url, response.clone()));
      return response;
    }
    if (response.status >= 500) {
      return kept(url).then(function (copy) { return copy || response; });
    }
    event.waitUntil(forget(url));  // a redirect (status 0 here) or a 4xx
    return response;
  }, function (error) {
    return kept(url).then(function (copy) {
      if (copy) return copy;
      throw error;
    });
  });
}

function cacheFirst(request) {
  return caches.open(STATIC_CACHE).then(function (cache) {
    return cache.match(request, { ignoreVary: true }).then(function (hit) {
      return hit || fetch(request).then(function (response) {
        if (response.ok) cache.put(request, response.clone());
        return response;
      });
    });
  });
}

self.addEventListener("install", function (event) {
  // One file missing must not keep the worker from installing: the rest are still worth having.
  event.waitUntil(caches.open(STATIC_CACHE).then(function (cache) {
    return Promise.all(STATIC_URLS.map(function (url) {
      return cache.add(url).catch(function () { return null; });
    }));
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf(PREFIX) === 0 && name !== STATIC_CACHE && name !== PAGE_CACHE;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (request.mode === "navigate" && isKeptPage(url)) {
    event.respondWith(networkFirst(event));
  } else if (STATIC_URLS.indexOf(url.origin + url.pathname) !== -1) {
    event.respondWith(cacheFirst(request));
  }
});

// A page opened before this worker took control was not seen by it: the page asks for itself to be kept.
self.addEventListener("message", function (event) {
  var data = event.data || {};
  var port = event.ports && event.ports[0];
  if (data.type !== "keep-page" || !port) return;
  var url = new URL(data.url, self.location.href);
  if (!isKeptPage(url)) {
    port.postMessage({ kept: false });
    return;
  }
  event.waitUntil(kept(url.href).then(function (copy) {
    if (copy) return true;
    return fetch(url.href, { credentials: "same-origin" }).then(function (response) {
      if (!keepable(response)) return false;
      return keep(url.href, response).then(function () { return true; });
    });
  }).catch(function () { return false; }).then(function (ok) { port.postMessage({ kept: ok }); }));
});
