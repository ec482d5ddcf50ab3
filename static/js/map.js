/* Straatwerk map layers: data from the page's JSON blocks (never from the script itself); popups are text nodes,
   never HTML, so a name typed by a user can only ever be shown as text. */
"use strict";
var STRAATWERK_COLOURS = ["#0b7a55", "#b26b00", "#5f6b68"];  /* recent, maand, oud */

/* The JSON a page put in <script type="application/json" id="...">; an absent block is empty. */
function straatwerkData(id) {
  var block = document.getElementById(id);
  return block ? JSON.parse(block.textContent) : null;
}

function straatwerkText(text) {
  var span = document.createElement("span");
  span.textContent = text;
  return span;
}

function straatwerkPopup(lines, link) {
  var box = document.createElement("div");
  lines.forEach(function (text, i) {
    var line = document.createElement(i === 0 ? "strong" : "div");
    line.textContent = text;
    box.appendChild(line);
  });
  if (link) {
    var a = document.createElement("a");
    a.href = link[0];
    a.textContent = link[1];
    box.appendChild(a);
  }
  return box;
}

/* data: [lat, lon, id, name, recency (0 recent, 1 month, 2 older), last activity (yyyy-mm-dd or ""), visits, contacts];
   the map-options block gives the spot link (spot_url + id), the new-spot form (new_url) and the centre; with
   view_url (more spots than a page carries) the map asks for the spots, or clusters of them, in each view. */
function straatwerkSpots(map, data) {
  var options = straatwerkData("map-options") || {};
  data = data || [];
  if (options.new_url) straatwerkTapToAdd(map, options.new_url);
  var group = L.markerClusterGroup({maxClusterRadius: 40, showCoverageOnHover: false, chunkedLoading: true});
  function marker(s) {
    var m = L.circleMarker([s[0], s[1]], {
      radius: 9, weight: 2, color: "#fff", fillColor: STRAATWERK_COLOURS[s[4]], fillOpacity: 0.95
    });
    m.bindPopup(function () {
      return straatwerkPopup([s[3], "Laatst actief: " + (s[5] || "nog niet"),
                              "Bezoeken: " + s[6] + " · contacten: " + s[7]],
                             [options.spot_url + s[2], "Open hangplek"]);
    });
    return m;
  }
  group.addLayers(data.map(marker));
  if (options.view_url) straatwerkPerView(map, group, options.view_url, marker);
  if (data.length) {
    map.fitBounds(L.latLngBounds(data.map(function (s) { return [s[0], s[1]]; })), {maxZoom: 15, padding: [20, 20]});
  } else if (options.center) {
    map.setView(options.center, 14);
  }
  return group;
}

/* After every move: the spots in view (or the server's clusters of them when crowded) replace the markers. */
function straatwerkPerView(map, group, url, marker) {
  var asked = 0, crowd = L.layerGroup().addTo(map);  /* Server clusters apart: the cluster group would merge them. */
  map.on("moveend", function () {
    var b = map.getBounds(), mine = ++asked;
    var box = [b.getSouth(), b.getWest(), b.getNorth(), b.getEast()].map(function (v) { return v.toFixed(5); });
    fetch(url + "?bbox=" + box.join(","), {credentials: "same-origin"}).then(function (r) { return r.json(); })
      .then(function (found) {
        if (mine !== asked) return;  /* A later move already asked again. */
        group.clearLayers();
        crowd.clearLayers();
        group.addLayers(found.spots.map(marker));
        found.clusters.forEach(function (c) {
          var label = document.createElement("div");
          label.appendChild(straatwerkText(String(c[2])));
          var size = c[2] < 100 ? "small" : c[2] < 1000 ? "medium" : "large";
          return L.marker([c[0], c[1]], {
            icon: L.divIcon({html: label, className: "marker-cluster marker-cluster-" + size, iconSize: [40, 40]}),
            title: c[2] + " hangplekken", keyboard: true
          }).on("click", function () { map.setView([c[0], c[1]], map.getZoom() + 2); }).addTo(crowd);
        });
      }, function () { /* Offline or gone: the markers already shown stay. */ });
  });
}

/* data: [lat, lon, contacts]: circle area proportional to the count.
   With the map-options' contacts_url (many spots), the page carries none and the layer asks for them once. */
function straatwerkContacts(map, data) {
  var options = straatwerkData("map-options") || {};
  function circle(c) {
    return L.circleMarker([c[0], c[1]], {
      radius: 6 + 4 * Math.sqrt(c[2]), weight: 1, color: "#6a1b9a", fillColor: "#8e24aa", fillOpacity: 0.35
    }).bindTooltip(straatwerkText(c[2] + " contacten"));
  }
  var layer = L.layerGroup((data || []).map(circle));
  if (!data && options.contacts_url) {
    fetch(options.contacts_url, {credentials: "same-origin"}).then(function (r) { return r.json(); })
      .then(function (rows) { rows.forEach(function (c) { layer.addLayer(circle(c)); }); }, function () {});
  }
  return layer;
}

function straatwerkTapToAdd(map, url) {
  map.on("click", function (e) {
    var lat = e.latlng.lat.toFixed(6), lon = e.latlng.lng.toFixed(6);
    L.popup().setLatLng(e.latlng)
      .setContent(straatwerkPopup([], [url + "?lat=" + lat + "&lon=" + lon, "Nieuwe hangplek hier"]))
      .openOn(map);
  });
}

/* data: [lat, lon, name, youths]: youths is a count (circle area grows with it) or a protection mark ("<5", "x"),
   which gets the smallest circle so its size reveals nothing. */
function straatwerkReach(map, data) {
  data = data || [];
  var layer = L.layerGroup(data.map(function (s) {
    var n = typeof s[3] === "number" ? s[3] : 0;
    return L.circleMarker([s[0], s[1]], {
      radius: 5 + 2.5 * Math.sqrt(n), weight: 1, color: "#0b5c4a", fillColor: "#0b7a55", fillOpacity: 0.45
    }).bindTooltip(straatwerkPopup([s[2], s[3] + " jongeren"]));
  }));
  if (data.length) {
    map.fitBounds(L.latLngBounds(data.map(function (s) { return [s[0], s[1]]; })), {maxZoom: 14, padding: [20, 20]});
  }
  return layer;
}
