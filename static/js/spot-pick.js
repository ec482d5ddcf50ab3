/* The new-hangplek form's small map: the pin where the position fields say (from GPS, typed, or tapped on the map),
   to check before saving. The fields stay the form's truth: without Leaflet or without tiles (no signal) the form
   works as before, and a grey map still takes a tap. */
"use strict";
(function () {
  var box = document.getElementById("spot-pick"), lat = document.getElementById("lat"),
      lon = document.getElementById("lon"), out = document.getElementById("locate-status");
  var block = document.getElementById("spot-pick-options");
  if (!box || !lat || !lon || !block || !window.L) return;
  var options = JSON.parse(block.textContent);  /* Configuration only (tile URL, attribution, centre). */
  function here() {
    var y = parseFloat(String(lat.value).replace(",", ".")), x = parseFloat(String(lon.value).replace(",", "."));
    return isFinite(y) && isFinite(x) && Math.abs(y) <= 90 && Math.abs(x) <= 180 ? [y, x] : null;
  }
  box.hidden = false;
  var start = here();
  var map = L.map(box, {zoomControl: true, attributionControl: true}).setView(start || options.center, start ? 17 : 13);
  L.tileLayer(options.tiles, {attribution: options.attribution, maxZoom: 19}).addTo(map);
  var pin = null;
  function place(position, centre) {
    if (!position) return;
    if (!pin) pin = L.circleMarker(position, {radius: 11, weight: 3, color: "#ffffff", fillColor: "#a4161a",
                                             fillOpacity: 1}).addTo(map);
    else pin.setLatLng(position);
    if (centre) map.setView(position, Math.max(map.getZoom(), 17));
    box.dataset.pin = position[0].toFixed(6) + "," + position[1].toFixed(6);  /* For the tests, and no one else. */
  }
  place(start, false);
  map.on("click", function (event) {
    lat.value = event.latlng.lat.toFixed(6);
    lon.value = event.latlng.lng.toFixed(6);
    place([event.latlng.lat, event.latlng.lng], false);
    if (out) out.textContent = "Plek gekozen op de kaart. Controleer hem en sla op.";
  });
  /* Typed, or filled by "Gebruik mijn locatie" (app.js tells with a change event): the pin follows. */
  [lat, lon].forEach(function (input) {
    input.addEventListener("change", function () { place(here(), true); });
    input.addEventListener("input", function () { place(here(), false); });
  });
})();
