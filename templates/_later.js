{# base.html's loader: append the scripts in order (async=false: they run as the defer scripts they were), and the
   manifest's link if any, once the first contentful paint has been presented (the browser reports it only after
   the frame is on screen; without paint timing, the second animation frame). A page opened in the background paints
   nothing yet, and still loads them after a second. Jinja comments, so that no page carries them. #}
(function (base, sources, manifest) {
  var done = false;
  function load() {
    if (done) return;
    done = true;
    sources.forEach(function (src) {
      var script = document.createElement("script");
      script.src = base + src;
      script.async = false;
      document.body.appendChild(script);
    });
    if (manifest) {
      var link = document.createElement("link");
      link.rel = "manifest";
      link.href = base + manifest;
      document.head.appendChild(link);
    }
  }
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
