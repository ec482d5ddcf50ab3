/* The worker's offline queue: contacts and visits saved with no signal wait on the phone until they are sent.
   Without JavaScript the forms post as usual; this only adds the way round a missing connection. */
"use strict";
(function () {
  var SAVED = "Opgeslagen op dit toestel, wordt verstuurd zodra er verbinding is";
  var SENDING = "Versturen…";
  function unsent(n) {
    return (n === 1 ? "Er staat nog 1 niet verstuurd contact of bezoek" : "Er staan nog " + n +
            " niet verstuurde contacten of bezoeken") + " op dit toestel. Als je nu uitlogt, wordt dat gewist. " +
           "Toch uitloggen?";
  }
  var LOGGED_OUT = "Opgeslagen op dit toestel. Je sessie is verlopen: log opnieuw in, dan wordt het verstuurd.";
  var FORMS = {"/contacts/new": "Contact", "/visits/new": "Bezoek"};
  var mode = document.body.dataset.offline, flushing = false, store = window.straatwerkStore;
  var all = store.all, put = store.put, drop = store.drop, wipe = store.wipe, fresh = store.fresh;
  /* Whose pages these are: an opaque marker of the account. Entries of another worker on this phone (her session
     ended before they were sent) are kept for her, never shown or sent here. */
  var owner = document.body.dataset.owner;

  function mine(entries) { return entries.filter(function (e) { return e.owner === owner; }); }

  function text(tag, content, className) {
    var node = document.createElement(tag);
    node.textContent = content;
    if (className) node.className = className;
    return node;
  }

  function render() {
    return fresh().then(mine).then(function (entries) {
      var badge = document.getElementById("pending"), stuck = entries.filter(function (e) { return e.state; });
      var waiting = entries.length - stuck.length;
      badge.hidden = !entries.length;
      badge.textContent = [waiting ? waiting + " wachtend" : "", stuck.length ? stuck.length + " niet verstuurd" : ""]
        .filter(Boolean).join(", ");
      var count = document.getElementById("queue-count");  /* The offline page says it in words. */
      if (count) count.textContent = !entries.length ? "Er wacht niets om te versturen." :
        (entries.length === 1 ? "1 contact of bezoek wacht" : entries.length + " contacten of bezoeken wachten") +
        " op dit toestel" + (stuck.length ? " (" + stuck.length + " niet verstuurd: kijk op Start)" : "") +
        "; verstuurd zodra er verbinding is.";
      var panel = document.getElementById("queue-stuck");
      if (panel) panel.remove();
      if (!stuck.length) return;
      panel = document.createElement("section");
      panel.id = "queue-stuck";
      panel.className = "flash flash-error";
      panel.appendChild(text("h2", "Niet verstuurd"));
      var list = document.createElement("ul");
      stuck.forEach(function (entry) {
        var item = text("li", FORMS[entry.url] + " van " + new Date(entry.at).toLocaleString("nl-NL") + ": " +
                        entry.reason + " ");
        var fix = text("a", "Aanpassen");
        fix.href = entry.url + "#opnieuw=" + entry.client_id;
        var discard = text("button", "Weggooien", "link");
        discard.type = "button";
        discard.addEventListener("click", function () {
          if (window.confirm("Dit " + FORMS[entry.url].toLowerCase() + " weggooien?")) drop(entry.client_id).then(render);
        });
        item.appendChild(fix);
        item.appendChild(document.createTextNode(" "));
        item.appendChild(discard);
        list.appendChild(item);
      });
      panel.appendChild(list);
      document.getElementById("inhoud").prepend(panel);
    });
  }

  function post(url, body, timeout) {
    var abort = new AbortController(), timer = setTimeout(function () { abort.abort(); }, timeout);
    /* The header has the server answer an ended session with 401 instead of a redirect to the login page, so a
       redirect (which fetch cannot read) always means saved: no look at the session after each save. */
    return fetch(url, {method: "POST", body: body, redirect: "manual", credentials: "same-origin",
                       headers: {"Content-Type": "application/x-www-form-urlencoded", "X-Straatwerk-Queue": "1"},
                       signal: abort.signal})
      .finally(function () { clearTimeout(timer); });
  }

  function reason(html, status) {
    /* The server's own Dutch words: the messages next to the fields, or the conflict message. */
    var page = new DOMParser().parseFromString(html, "text/html");
    var found = Array.prototype.map.call(page.querySelectorAll("#inhoud .field-error, #inhoud .flash-error"),
                                         function (node) { return node.textContent.trim(); });
    return found.join(" ") || (status === 200 ? "Controleer de gegevens." : "Niet opgeslagen (fout " + status + ").");
  }

  /* Is the session alive? Its CSRF token (a re-login makes a new one) and whose it is, or null when it has ended. */
  function session() {
    return fetch("/visits/new", {redirect: "manual", credentials: "same-origin", cache: "no-store"}).then(function (r) {
      if (r.type === "opaqueredirect" || !r.ok) return null;
      return r.text().then(function (html) {
        return {token: (html.match(/name="csrf_token"[^>]*value="([^"]+)"/) || [])[1],
                owner: (html.match(/<body[^>]*\sdata-owner="([0-9a-f]+)"/) || [])[1]};
      });
    });
  }

  /* Retries while something waits: 2 s after a failure, doubling to 30 s; a new entry, the phone coming back
     online or the page coming back into view starts again at 2 s (and the page load sends at once). */
  var FIRST_RETRY = 2000, LAST_RETRY = 30000, retry = {delay: FIRST_RETRY, timer: null};
  function later() {
    clearTimeout(retry.timer);
    retry.timer = setTimeout(flush, retry.delay);
    retry.delay = Math.min(retry.delay * 2, LAST_RETRY);
  }
  function soon() {
    retry.delay = FIRST_RETRY;
    clearTimeout(retry.timer);
    return flush();
  }

  /* Send what waits, oldest first; stop at the first network error and try again later. */
  function flush() {
    if (flushing || !navigator.onLine) return Promise.resolve();
    flushing = true;
    return fresh().then(function (entries) {
      var waiting = entries.filter(function (e) { return !e.state || e.state === "login"; });
      if (!mine(waiting).length) return;
      return session().then(function (live) {
        if (!live) return;  /* Logged out: keep everything until she logs in. */
        var token = live.token;
        /* The session's owner, not only this page's: a page from the cache may be older than the last login. */
        var todo = waiting.filter(function (e) { return e.owner === live.owner && e.owner === owner; });
        return todo.reduce(function (chain, entry) {
          return chain.then(function (go) {
            if (!go) return false;
            var body = new URLSearchParams(entry.body);
            if (token) body.set("csrf_token", token);
            return post(entry.url, body.toString(), 30000).then(function (response) {
              if (response.type === "opaqueredirect") return drop(entry.client_id).then(render).then(function () { return true; });
              if (response.status >= 500 || response.status === 401) return false;  /* Later, or after login. */
              return response.text().then(function (html) {
                entry.state = "refused";
                entry.reason = reason(html, response.status);
                return put(entry).then(function () { return true; });
              });
            }, function () { return false; });
          });
        }, Promise.resolve(true));
      });
    }).catch(function () {}).then(function () {
      flushing = false;
      return fresh().then(mine).then(function (entries) {
        /* Refused ones wait for her, not for the server; anything else still here is tried again. */
        if (entries.some(function (e) { return !e.state || e.state === "login"; })) later();
        else retry.delay = FIRST_RETRY;
      }).catch(function () {}).then(render);
    });
  }

  function localNow() {
    var d = new Date(Date.now() - new Date().getTimezoneOffset() * 60000);
    return d.toISOString().slice(0, 16);
  }

  function fill(form, body) {
    var params = new URLSearchParams(body);
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === "csrf_token" || el.name === "client_id") return;
      if (el.type === "checkbox" || el.type === "radio") el.checked = params.getAll(el.name).indexOf(el.value) !== -1;
      else if (el.multiple) Array.prototype.forEach.call(el.options, function (o) { o.selected = params.getAll(el.name).indexOf(o.value) !== -1; });
      else if (params.has(el.name) && el.type !== "submit") el.value = params.get(el.name);
    });
  }

  function prepare(form) {
    /* Each entry its own id: a page from the cache would otherwise offer the same id again. */
    if (form.elements.client_id && window.crypto && crypto.randomUUID) form.elements.client_id.value = crypto.randomUUID();
    form.querySelectorAll('input[type="datetime-local"]').forEach(function (input) {
      /* A page from the cache still says the time it was cached; a new entry happens now. */
      if (input.value === input.defaultValue && Date.parse(input.value) < Date.now() - 600000) input.value = localNow();
    });
  }

  /* The one status line above the form: sending, kept on the phone, or the session that ended. */
  function status(form, message) {
    var note = document.getElementById("queued") || text("p", "", "flash flash-success");
    note.id = "queued";
    note.setAttribute("role", "status");
    note.textContent = message;
    if (!note.isConnected) form.before(note);
    return note;
  }

  function keep(form, body, replaces, loggedOut) {
    var entry = {client_id: new URLSearchParams(body).get("client_id"), url: new URL(form.action).pathname,
                 body: body, at: Date.now(), owner: owner};
    return put(entry).then(function () { return replaces && drop(replaces); }).then(function () {
      var note = status(form, loggedOut ? LOGGED_OUT + " " : SAVED);
      if (loggedOut) {
        var again = text("a", "Opnieuw inloggen");
        again.href = "/login";
        note.appendChild(again);
      }
      /* A fresh form for the next entry, at the same place: the next contact is usually at the same spot. */
      var place = ["spot", "lat", "lon"].map(function (name) { return form.elements[name] && form.elements[name].value; });
      form.reset();
      ["spot", "lat", "lon"].forEach(function (name, i) { if (form.elements[name]) form.elements[name].value = place[i]; });
      delete form.dataset.replaces;
      prepare(form);
      return render();
    });
  }

  function hook(form) {
    prepare(form);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (form.dataset.sending) return;  /* A double tap is one entry. */
      var body = new URLSearchParams(new FormData(form, event.submitter)).toString(), replaces = form.dataset.replaces;
      if (!navigator.onLine) { keep(form, body, replaces).then(soonish); return; }
      form.dataset.sending = "1";
      form.setAttribute("aria-busy", "true");
      status(form, SENDING);
      /* 8 s: a save at Slow 4G takes about 1.5 s; past that she is better off with it kept on the phone (a late
         answer does no harm: the resend carries the same id). */
      post(form.action, body, 8000).then(function (response) {
        /* The server could not save (a full disk answers 503): kept here and sent again later, like no signal. */
        if (response.status >= 500) return keep(form, body, replaces).then(soonish);
        /* The session had ended (the server says so itself): kept until she logs in again. */
        if (response.status === 401) return keep(form, body, replaces, true);
        if (response.type !== "opaqueredirect") {  /* Same id again, or a mistake: the server shows its answer. */
          if (replaces) drop(replaces);
          form.submit();
          return;
        }
        /* A redirect is a save (an ended session answers 401, above). */
        if (replaces) drop(replaces);
        var spot = form.elements.spot;
        window.location.assign(FORMS[new URL(form.action).pathname] === "Bezoek" ? "/spots/" + spot.value : "/");
      }, function () { return keep(form, body, replaces).then(soonish); }).finally(function () {
        delete form.dataset.sending;
        form.removeAttribute("aria-busy");
      });
    });
    /* "Aanpassen" on a refused entry: the form with what was typed, sent as a new entry that replaces it. */
    function reopen() {
      var again = /^#opnieuw=(.+)$/.exec(window.location.hash);
      if (again) all().then(mine).then(function (entries) {
        entries.forEach(function (entry) {
          if (entry.client_id === again[1]) { fill(form, entry.body); form.dataset.replaces = entry.client_id; }
        });
      });
    }
    reopen();
    window.addEventListener("hashchange", reopen);
  }

  /* A new entry kept: the retries start again from 2 s (not at once: the server just failed to answer). */
  function soonish() { retry.delay = FIRST_RETRY; later(); }

  function ready() { document.body.setAttribute("data-offline-ready", ""); }

  /* Entries from before owners were recorded: on a worker page they can only be this session's (a login in
     between would have wiped them), on the login page they go, as they did before. */
  function settle(entries) {
    var ownerless = entries.filter(function (e) { return !e.owner; });
    return Promise.all(ownerless.map(function (e) {
      if (!owner) return drop(e.client_id);
      e.owner = owner;
      return put(e);
    }));
  }

  if (!window.indexedDB || (mode !== "worker" && mode !== "login")) return;
  if (mode === "login") {
    /* The login page keeps the queue: a session that timed out must not cost the worker her unsent entries.
       Only what is older than a shift goes, and cached pages of that age. */
    store.tidy().then(settle).catch(function () {}).then(ready);
    return;
  }
  if (navigator.serviceWorker) navigator.serviceWorker.register("/sw.js", {scope: "/"}).catch(function () {});
  document.querySelectorAll("form.logout").forEach(function (form) {
    /* Logging out clears the phone: the queue (of everyone) and the cached pages. Online the wipe runs while the
       request travels, and the server's answer (Clear-Site-Data) has the browser clear it all again. Offline the
       post cannot arrive, so the phone is cleared first. */
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      /* Unsent entries would go with the rest: she is told first and may stay logged in to send them. */
      all().catch(function () { return []; }).then(function (entries) {
        if (entries.length && !window.confirm(unsent(entries.length))) return;
        var work = wipe();
        if (navigator.onLine) form.submit();
        else work.then(function () { form.submit(); });
      });
    });
  });
  document.querySelectorAll('form[method="post"]').forEach(function (form) {
    if (FORMS[new URL(form.action).pathname] && form.elements.client_id) hook(form);
  });
  window.addEventListener("online", soon);
  document.addEventListener("visibilitychange", function () { if (document.visibilityState === "visible") soon(); });
  store.tidy(owner).then(settle).catch(function () {}).then(render).then(ready).then(flush);
})();
