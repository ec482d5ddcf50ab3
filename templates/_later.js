{# base.html's loader: append the scripts in order (async=false: they run as the defer scripts they were), and the
   manifest's link if any, once the first contentful paint has been presented (the browser reports it only after
   the frame is on screen; without paint timing, the second animation frame). A page opened in the background paints
   nothing yet, and still loads them after a second. Until the queue (offline.js) runs, an entry form sent is held
   (a tap in the first moments with no signal would otherwise leave as a plain post and be lost): the scripts load
   at once, and the form is sent again once they ran, through the queue (or as a plain post, if it did not come).
   Jinja comments, so that no page carries them. #}
(function (base, sources, manifest) {
  var done = false, held = null, queue = sources.indexOf("js/offline.js") !== -1;
  function hold(event) {
    if (!event.target.elements || !event.target.elements.client_id) return;
    event.preventDefault();
    held = held || {form: event.target, submitter: event.submitter};
    load();
  }
  function release() {
    document.removeEventListener("submit", hold, true);
    if (!held) return;
    if (held.form.requestSubmit) held.form.requestSubmit(held.submitter || undefined);
    else held.form.submit();
  }
  function load() {
    if (done) return;
    done = true;
    sources.forEach(function (src, i) {
      var script = document.createElement("script");
      script.src = base + src;
      script.async = false;
      if (queue && i === sources.length - 1) script.onload = script.onerror = release;
      document.body.appendChild(script);
    });
    if (manifest) {
      var link = document.createElement("link");
      link.rel = "manifest";
      link.href = base + manifest;
      document.head.appendChild(link);
    }
  }
  if (queue) document.addEventListener("submit", hold, true);
  var types = window.PerformanceObserver && PerformanceObserver.supportedEntryTypes || [];
  if (types.indexOf("paint") !== -1) {
    new PerformanceObserver(function (list, observer) {
      if (!list.getEntriesByName("first-contentful-paint").length) return;
      observer.disconnect();
      setTimeout(load, 0);
    }).observe({type: "paint", buffered: true});
  } else {
    requestAnimationFrame(function () { requestAnimationFrame(load); });
  }
  setTimeout(load, 1000);
})
