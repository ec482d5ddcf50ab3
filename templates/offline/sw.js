/* Straatwerk's service worker: the worker's app shell offline, nothing else (no youth pages, no data). */
"use strict";
const CACHE = {{ cache|tojson }};
const PAGES = {{ pages|tojson }};
const STATIC = {{ static|tojson }};
const MAX_AGE = {{ max_age|tojson }};  /* One shift: an older copy of a page is never shown and is deleted. */
/* Each kept page says whose it is (the opaque marker on the worker's <body>) and when it was kept. */
const OWNER = "X-Straatwerk-Owner", KEPT = "X-Straatwerk-Kept";
const FALLBACK = "/offline";  /* Shown for every page that is not kept, when there is no signal. */

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

function forget() {
  /* Every cache of ours; the static files come back on their next fetch. */
  return caches.keys().then(function (keys) {
    return Promise.all(keys.map(function (key) { return caches.delete(key); }));
  });
}

function expired(response) {
  /* A copy without the stamp (kept by an older version) counts as too old. */
  const kept = Number(response.headers.get(KEPT));
  return !kept || Date.now() - kept > MAX_AGE;
}

function fresh(response) {
  /* Only a real page of a logged-in user is looked at: never a redirect to the login page or an error. */
  return response.ok && response.type === "basic" && !response.redirected;
}

function keep(path, response) {
  /* A worker's page is kept with its owner and the time; any other user's page means someone else is on this
     phone, and a page of another worker must not stay next to this one's: then the caches go first. */
  return response.text().then(function (html) {
    const owner = (/<body[^>]*\sdata-owner="([0-9a-f]+)"/.exec(html) || [])[1];
    return caches.open(CACHE).then(function (cache) {
      return Promise.all(PAGES.map(function (page) { return cache.match(page); }));
    }).then(function (kept) {
      const other = kept.some(function (hit) { return hit && hit.headers.get(OWNER) !== owner; });
      return other || !owner ? forget() : null;
    }).then(function () {
      if (!owner) return null;
      const headers = new Headers(response.headers);
      headers.set(OWNER, owner);
      headers.set(KEPT, String(Date.now()));
      return caches.open(CACHE).then(function (cache) {
        return cache.put(path, new Response(html, {status: response.status, statusText: response.statusText,
                                                   headers: headers}));
      });
    });
  });
}

self.addEventListener("fetch", function (event) {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && PAGES.indexOf(url.pathname) !== -1) {
    /* Network first, so the worker sees current data whenever there is signal; the cache when there is none. */
    event.respondWith(fetch(request).then(function (response) {
      if (fresh(response)) event.waitUntil(keep(url.pathname, response.clone()).catch(function () {}));
      return response;
    }, function () {
      return caches.match(url.pathname, {cacheName: CACHE}).then(function (hit) {
        if (!hit) return Response.error();
        if (!expired(hit)) return hit;
        /* Older than a shift: not shown, and nothing of it stays on the phone. */
        return forget().then(function () { return Response.error(); });
      });
    }));
  } else if (request.mode === "navigate") {
    /* Any other page of the app: from the network; with no signal the kept offline page (what still works, the
       queue, the hangplekken) instead of the browser's own English error page. */
    event.respondWith(fetch(request).catch(function () {
      return caches.match(FALLBACK, {cacheName: CACHE}).then(function (hit) {
        return hit && !expired(hit) ? hit : Response.error();
      });
    }));
  } else if (STATIC.indexOf(url.pathname) !== -1) {
    /* Static files are versioned with the cache name, so the cached copy is the right one; one that is missing
       (the caches were cleared at a logout, an expiry or a change of worker) is kept again on its way in. */
    event.respondWith(caches.match(url.pathname, {cacheName: CACHE}).then(function (hit) {
      return hit || fetch(request).then(function (response) {
        if (response.ok && response.type === "basic") {
          const copy = response.clone();
          event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.put(url.pathname, copy); })
            .catch(function () {}));
        }
        return response;
      });
    }));
  }
});

/* offline.js asks for pages to be kept again: the offline page when it is missing or old, and the whole shell when
   a round started or ended (the kept forms would still carry the old round and ED). Only our own pages. */
self.addEventListener("message", function (event) {
  const wanted = (event.data && event.data.refresh) || [];
  event.waitUntil(Promise.all(wanted.filter(function (path) { return PAGES.indexOf(path) !== -1; })
    .map(function (path) {
      return fetch(path, {credentials: "same-origin"}).then(function (response) {
        return fresh(response) ? keep(path, response) : null;
      }).catch(function () {});
    })));
});
