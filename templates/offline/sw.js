/* Straatwerk's service worker: the worker's app shell offline, nothing else (no youth pages, no data). */
"use strict";
const CACHE = {{ cache|tojson }};
const PAGES = {{ pages|tojson }};
const STATIC = {{ static|tojson }};

self.addEventListener("install", function (event) {
  /* The static files only: pages are cached when the worker opens them while logged in. */
  event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.addAll(STATIC); })
    .then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  /* A new version (constant bumped or a static file changed) deletes every older cache. */
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (key) { return key !== CACHE; })
      .map(function (key) { return caches.delete(key); }));
  }).then(function () { return self.clients.claim(); }));
});

function fresh(response) {
  /* Only a real page of a logged-in worker is kept: never a redirect to the login page or an error. */
  return response.ok && response.type === "basic" && !response.redirected;
}

self.addEventListener("fetch", function (event) {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && PAGES.indexOf(url.pathname) !== -1) {
    /* Network first, so the worker sees current data whenever there is signal; the cache when there is none. */
    event.respondWith(fetch(request).then(function (response) {
      if (fresh(response)) {
        const copy = response.clone();
        caches.open(CACHE).then(function (cache) { return cache.put(url.pathname, copy); });
      }
      return response;
    }, function () {
      return caches.match(url.pathname, {cacheName: CACHE}).then(function (hit) {
        return hit || Response.error();
      });
    }));
  } else if (STATIC.indexOf(url.pathname) !== -1) {
    /* Static files are versioned with the cache name, so the cached copy is the right one. */
    event.respondWith(caches.match(url.pathname, {cacheName: CACHE}).then(function (hit) {
      return hit || fetch(request);
    }));
  }
});
