/* The phone's side of the offline queue: one IndexedDB store of entries, the tidying of what is too old or
   belongs to someone else, and the wipe of everything we keep. Loaded before offline.js, which uses it;
   nothing here runs on its own. */
"use strict";
(function () {
  var NAME = "straatwerk-offline", STORE = "queue";
  var MAX_AGE = 12 * 3600 * 1000;  /* Never longer than one shift on the phone (a lost phone holds little). */
  /* Set by our service worker on each page it keeps (see templates/offline/sw.js). */
  var OWNER = "X-Straatwerk-Owner", KEPT = "X-Straatwerk-Kept";
  var opened = null;

  /* With create false (the login page) a phone that holds no queue gets none: nothing is made just by looking. */
  function open(create) {
    if (!opened) opened = new Promise(function (resolve, reject) {
      var request = indexedDB.open(NAME, 1);
      request.onupgradeneeded = function () {
        if (create === false) { request.transaction.abort(); return; }
        request.result.createObjectStore(STORE, {keyPath: "client_id"});
      };
      request.onsuccess = function () {
        request.result.onversionchange = function () { request.result.close(); opened = null; };
        resolve(request.result);
      };
      request.onerror = function (event) {
        event.preventDefault();
        opened = null;
        reject(request.error);
      };
    });
    return opened;
  }

  function store(how, work, create) {
    return open(create).then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, how), result = work(tx.objectStore(STORE));
        tx.oncomplete = function () { resolve(result && result.result); };
        tx.onerror = function () { reject(tx.error); };
      });
    });
  }
  function all() { return store("readonly", function (s) { return s.getAll(); }); }
  function put(entry) { return store("readwrite", function (s) { s.put(entry); }); }
  function drop(id) { return store("readwrite", function (s) { s.delete(id); }); }

  function forgetCaches() {
    return window.caches ? caches.keys().then(function (keys) {
      return Promise.all(keys.map(function (key) { return caches.delete(key); }));
    }) : Promise.resolve();
  }

  /* Everything this app keeps on the phone: the queue (of every worker) and the cached pages. Used on logout. */
  function wipe() {
    var closing = opened ? opened.then(function (db) { db.close(); }, function () {}) : Promise.resolve();
    opened = null;
    var work = closing.then(function () {
      return Promise.all([new Promise(function (resolve) {
        var request = indexedDB.deleteDatabase(NAME);
        request.onsuccess = request.onerror = request.onblocked = function () { resolve(); };
      }), forgetCaches()]);
    });
    /* Logging out must never hang on the phone's storage. */
    return Promise.race([work, new Promise(function (resolve) { setTimeout(resolve, 3000); })]);
  }

  function expired(at) { return !at || Date.now() - at > MAX_AGE; }

  /* The queue without what is older than the limit (deleted), oldest first; create false: none is made. */
  function fresh(create) {
    return store("readonly", function (s) { return s.getAll(); }, create).then(function (entries) {
      var old = entries.filter(function (e) { return expired(e.at); });
      return Promise.all(old.map(function (e) { return drop(e.client_id); })).then(function () {
        return entries.filter(function (e) { return !expired(e.at); }).sort(function (a, b) { return a.at - b.at; });
      });
    });
  }

  /* The cached pages go when one is older than the limit, or when it was kept for another worker than owner
     (it holds her spot list and youth aliases). Without an owner (the login page) only the age counts. */
  function tidyCaches(owner) {
    if (!window.caches) return Promise.resolve();
    return caches.keys().then(function (keys) {
      return Promise.all(keys.map(function (key) {
        return caches.open(key).then(function (cache) {
          return cache.keys().then(function (requests) {
            return Promise.all(requests.map(function (request) { return cache.match(request); }));
          });
        });
      }));
    }).then(function (lists) {
      var stale = [].concat.apply([], lists).some(function (hit) {
        var kept = hit && hit.headers.get(KEPT), who = hit && hit.headers.get(OWNER);
        if (!kept && !who) return false;  /* A static file: no personal data, no age limit of its own. */
        return expired(Number(kept)) || (owner && who !== owner);
      });
      return stale ? forgetCaches() : null;
    });
  }

  /* On every page load: what is too old goes, queue and caches alike. */
  function tidy(owner) {
    return Promise.all([fresh(!!owner).catch(function () { return []; }), tidyCaches(owner).catch(function () {})])
      .then(function (done) { return done[0]; });
  }

  window.straatwerkStore = {all: all, put: put, drop: drop, wipe: wipe, fresh: fresh, tidy: tidy};
})();
