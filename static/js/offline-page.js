/* The offline page: the hangplekken nearest first, with their distance from where the phone is (worked out here,
   from the names and positions on the page; nothing is sent anywhere). */
"use strict";
(function () {
  var list = document.getElementById("offline-spots"), where = document.getElementById("offline-where");
  if (!list || !navigator.geolocation) return;
  function metres(lat1, lon1, lat2, lon2) {
    var rad = Math.PI / 180, p1 = lat1 * rad, p2 = lat2 * rad;
    var a = Math.pow(Math.sin((p2 - p1) / 2), 2) +
            Math.cos(p1) * Math.cos(p2) * Math.pow(Math.sin((lon2 - lon1) * rad / 2), 2);
    return 12742000 * Math.asin(Math.sqrt(a));
  }
  function shown(m) { return m < 1000 ? Math.round(m) + " m" : (m / 1000).toFixed(1).replace(".", ",") + " km"; }
  navigator.geolocation.getCurrentPosition(function (p) {
    var rows = Array.prototype.filter.call(list.children, function (li) { return li.dataset.lat; });
    rows.forEach(function (li) {
      li.dataset.m = metres(p.coords.latitude, p.coords.longitude, Number(li.dataset.lat), Number(li.dataset.lon));
      li.querySelector(".distance").textContent = "· " + shown(Number(li.dataset.m));
    });
    rows.sort(function (a, b) { return a.dataset.m - b.dataset.m; }).forEach(function (li) { list.appendChild(li); });
    where.textContent = "Dichtstbij eerst, vanaf waar je nu bent.";
  }, function () {
    where.textContent = "Locatie niet beschikbaar: de hangplekken staan op naam.";
  }, {enableHighAccuracy: true, timeout: 10000, maximumAge: 300000});
})();
