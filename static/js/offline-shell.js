/* The worker's pages kept for use offline, and the round's start and end, which need the server. Loaded after
   offline.js on the worker's pages; without JavaScript the round forms post as usual. */
"use strict";
(function () {
  if (document.body.dataset.offline !== "worker") return;
  var SHELL = ["/", "/contacts/new", "/visits/new", "/offline"];  /* As SHELL_PAGES in outreach/field/offline.py. */
  var HALF_HOUR = 1800000;

  /* The kept pages, so that the offline page's promise holds (contact and bezoek work): any that is missing or
     older than half an hour (a new hangplek should be on them), and all of them after a round started or ended
     (the kept forms carry its presets). The service worker fetches and keeps them (templates/offline/sw.js). */
  function refreshShell() {
    if (!navigator.serviceWorker || !navigator.onLine || !window.caches) return;
    var stale = document.body.hasAttribute("data-shell-stale");
    Promise.all(SHELL.map(function (path) { return caches.match(path); })).then(function (hits) {
      var wanted = SHELL.filter(function (path, i) {
        return stale || !hits[i] || Date.now() - Number(hits[i].headers.get("X-Straatwerk-Kept")) > HALF_HOUR;
      });
      if (!wanted.length) return;
      return navigator.serviceWorker.ready.then(function (registration) {
        if (registration.active) registration.active.postMessage({refresh: wanted});
      });
    }).catch(function () {});
  }

  /* After offline.js has tidied the phone (it may drop another worker's pages first). */
  function afterTidy(work) {
    if (document.body.hasAttribute("data-offline-ready")) { work(); return; }
    new MutationObserver(function (changes, observer) {
      observer.disconnect();
      work();
    }).observe(document.body, {attributes: true, attributeFilter: ["data-offline-ready"]});
  }

  function refused() {
    var note = document.getElementById("round-offline") || document.createElement("p");
    note.id = "round-offline";
    note.className = "flash flash-error";
    note.setAttribute("role", "status");
    note.textContent = "Geen verbinding: de ronde start of eindigt pas als er weer verbinding is. " +
                       "Contacten en bezoeken kun je wel gewoon opslaan.";
    if (!note.isConnected) document.getElementById("inhoud").prepend(note);
    window.scrollTo(0, 0);
  }

  /* Start or end of a round needs the server (its time is the server's): sent from here, so that without signal
     (or with a signal that carries nothing) she reads why in Dutch instead of the browser's error page. */
  document.querySelectorAll("form.round-form").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (form.dataset.sending) return;  /* A double tap is one start. */
      form.dataset.sending = "1";
      var abort = new AbortController(), timer = setTimeout(function () { abort.abort(); }, 8000);
      /* The queue's header: an ended session answers 401 rather than a redirect that fetch cannot read. */
      fetch(form.action, {method: "POST", body: new URLSearchParams(new FormData(form, event.submitter)),
                          redirect: "manual", credentials: "same-origin", signal: abort.signal,
                          headers: {"X-Straatwerk-Queue": "1"}}).then(function (response) {
        /* Done (the home page shows how), or the session ended (the home page leads to the login). */
        if (response.type === "opaqueredirect" || response.status === 401) window.location.assign("/");
        else form.submit();  /* The server's own answer, as without JavaScript. */
      }, refused).finally(function () {
        clearTimeout(timer);
        delete form.dataset.sending;
      });
    });
  });
  afterTidy(refreshShell);
})();
