{# base.html's loader: append the scripts in order (async=false: they run as the defer scripts they were), and the
   manifest's link if any, once the first frame has been presented (the second animation frame comes after it). A
   page opened in the background gets no frame yet, and still loads them after a second. Jinja comments, so that no
   page carries them. #}
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
  requestAnimationFrame(function () { requestAnimationFrame(load); });
  setTimeout(load, 1000);
})
