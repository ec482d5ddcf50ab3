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
        /* The new-hangplek form's map moves its pin (spot-pick.js). */
        document.getElementById("lon").dispatchEvent(new Event("change"));
        status(button, "Locatie ingevuld. Controleer de plek op de kaart.");
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

  /* A form's spot menu holds a bounded choice at scale: ask the server for spots by name or near a position and
     add them to the menu (nothing typed in the form is lost); offline the menu keeps what it has. */
  var search = document.querySelector("form[data-spot-search]");
  var menu = document.querySelector("select#spot");
  function addSpots(query, done) {
    if (!search || !menu) { done([]); return; }
    fetch(search.dataset.spotSearch + "?" + new URLSearchParams(query), {credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.json() : []; })
      .then(function (rows) {
        rows.forEach(function (s) {
          if (menu.querySelector('option[value="' + s[0] + '"]')) return;
          var option = new Option(s[1], String(s[0]));  /* text, never HTML */
          option.dataset.lat = s[2];
          option.dataset.lon = s[3];
          menu.add(option);
        });
        done(rows);
      }, function () { done([]); });
  }
  if (search && menu) {
    search.addEventListener("submit", function (event) {
      event.preventDefault();
      var out = document.getElementById("plek-status");
      addSpots({q: search.elements.plek.value}, function (rows) {
        if (rows.length) {
          var hint = document.getElementById("spot-hint");
          if (hint) hint.textContent = "";  /* No longer the nearest one. */
          menu.value = String(rows[0][0]);
          menu.dispatchEvent(new Event("change"));
        }
        out.textContent = rows.length ? rows.length + " gevonden; " + rows[0][1] + " gekozen, de rest staat in de lijst."
                                      : "Geen hangplek gevonden.";
      });
    });
  }

  /* Contact form: preselect the nearest spot and remember where the contact happened. */
  var nearest = document.querySelector("select[data-nearest]");
  if (nearest) {
    var touched = false;
    nearest.addEventListener("change", function () { touched = true; });
    locate(function (lat, lon) {
      var lat0 = document.getElementById("lat"), lon0 = document.getElementById("lon");
      if (lat0 && lon0 && !lat0.value && !lon0.value) { lat0.value = lat.toFixed(6); lon0.value = lon.toFixed(6); }
      if (touched) return;
      addSpots({lat: lat.toFixed(6), lon: lon.toFixed(6)}, function () { if (!touched) pickNearest(lat, lon); });
    });
  }
  /* The option nearest to (lat, lon), chosen when it is within about 300 m. */
  function pickNearest(lat, lon) {
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
