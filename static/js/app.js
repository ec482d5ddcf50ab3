/* Small enhancements; every form also works without JavaScript. */
"use strict";
(function () {
  function locate(done, fail) {
    if (!navigator.geolocation) { if (fail) fail(); return; }
    navigator.geolocation.getCurrentPosition(function (p) { done(p.coords.latitude, p.coords.longitude); },
      function () { if (fail) fail(); }, {enableHighAccuracy: true, timeout: 10000, maximumAge: 60000});
  }

  function status(button, text) {
    var out = document.getElementById(button.getAttribute("aria-controls") || "");
    if (out) out.textContent = text;
  }

  /* "Gebruik mijn locatie": fill the lat/lon fields, or reload the page sorted by distance. */
  document.querySelectorAll("[data-locate]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      status(button, "Locatie wordt bepaald…");
      locate(function (lat, lon) {
        if (button.dataset.locate === "reload") {
          var url = new URL(window.location.href);
          url.searchParams.set("lat", lat.toFixed(6));
          url.searchParams.set("lon", lon.toFixed(6));
          window.location.assign(url.toString());
          return;
        }
        document.getElementById("lat").value = lat.toFixed(6);
        document.getElementById("lon").value = lon.toFixed(6);
        status(button, "Locatie ingevuld.");
      }, function () { status(button, "Locatie niet beschikbaar. Tik op de kaart of typ de coördinaten."); });
    });
  });

  /* Stepper buttons next to a number field. */
  document.querySelectorAll("[data-step]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var input = document.getElementById(button.dataset.for);
      var value = (parseInt(input.value, 10) || 0) + parseInt(button.dataset.step, 10);
      input.value = Math.max(parseInt(input.min || "0", 10), Math.min(parseInt(input.max || "999", 10), value));
    });
  });

  /* Contact form: preselect the nearest spot and remember where the contact happened. */
  var nearest = document.querySelector("select[data-nearest]");
  if (nearest) {
    var touched = false;
    nearest.addEventListener("change", function () { touched = true; });
    locate(function (lat, lon) {
      var lat0 = document.getElementById("lat"), lon0 = document.getElementById("lon");
      if (lat0 && lon0 && !lat0.value && !lon0.value) { lat0.value = lat.toFixed(6); lon0.value = lon.toFixed(6); }
      if (touched) return;
      var best = null, bestD = Infinity;
      Array.prototype.forEach.call(nearest.options, function (o) {
        if (!o.dataset.lat) return;
        var dy = o.dataset.lat - lat, dx = (o.dataset.lon - lon) * Math.cos(lat * Math.PI / 180);
        var d = dx * dx + dy * dy;
        if (d < bestD) { bestD = d; best = o; }
      });
      if (best && bestD < 0.00001) {  /* within about 300 m */
        nearest.value = best.value;
        var note = document.getElementById("spot-hint");
        if (note) note.textContent = "Dichtstbijzijnde hangplek gekozen.";
      }
    });
  }
})();

/* The report's print view: a button that opens the browser's print dialog (no inline handlers under the CSP). */
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.addEventListener("click", function () { window.print(); });
});

/* A form sent back with errors, or with the personal-data warning: bring it into view and give it focus, so that it
   is seen on a phone and read out by a screen reader (the summary's links lead to the fields). */
(function () {
  var box = document.getElementById("fouten") || document.getElementById("waarschuwing");
  if (box) {
    box.scrollIntoView({block: "start"});
    box.focus({preventScroll: true});
  }
})();
