/* The phone's side of the offline queue: one IndexedDB store of entries, and the wipe of everything we keep.
   Loaded before offline.js, which uses it; nothing here runs on its own. */
"use strict";
(function () {
  var NAME = "straatwerk-offline", STORE = "queue";
  var MAX_AGE = 12 * 3600 * 1000;  /* Never longer than one shift on the phone (a lost phone holds little). */
  var opened = null;

  function open() {
    if (!opened) opened = new Promise(function (resolve, reject) {
      var request = indexedDB.open(NAME, 1);
      request.onupgradeneeded = function () { request.result.createObjectStore(STORE, {keyPath: "client_id"}); };
      request.onsuccess = function () {
        request.result.onversionchange = function () { request.result.close(); opened = null; };
        resolve(request.result);
      };
      request.onerror = function () { reject(request.error); };
    });
    return opened;
  }

  function store(how, work) {
    return open().then(function (db) {
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

  /* Everything this app keeps on the phone: the queue and the cached pages. Used on logout and at the login page. */
  function wipe() {
    var closing = opened ? opened.then(function (db) { db.close(); }, function () {}) : Promise.resolve();
    opened = null;
    var work = closing.then(function () {
      return Promise.all([new Promise(function (resolve) {
        var request = indexedDB.deleteDatabase(NAME);
        request.onsuccess = request.onerror = request.onblocked = function () { resolve(); };
      }), window.caches ? caches.keys().then(function (keys) {
        return Promise.all(keys.map(function (key) { return caches.delete(key); }));
      }) : null]);
    });
    /* Logging out must never hang on the phone's storage. */
    return Promise.race([work, new Promise(function (resolve) { setTimeout(resolve, 3000); })]);
  }

  function fresh() {
    /* Entries older than the limit go; the rest, oldest first. */
    return all().then(function (entries) {
      var now = Date.now(), old = entries.filter(function (e) { return now - e.at > MAX_AGE; });
      return Promise.all(old.map(function (e) { return drop(e.client_id); })).then(function () {
        return entries.filter(function (e) { return now - e.at <= MAX_AGE; })
          .sort(function (a, b) { return a.at - b.at; });
      });
    });
  }
  window.straatwerkStore = {all: all, put: put, drop: drop, wipe: wipe, fresh: fresh};
})();
