"""Lighthouse mobile LCP (simulated Slow 4G, 4× CPU) of two pages at 1,000 active spots, each ÷ its reference.

- /contacts/new ÷ a 1 KB static page (goal ≤ 1.5×, aim ≤ 1.3×);
- /spots/ ÷ a bare Leaflet + markercluster page with the same 1,000 points (goal ≤ 1.1×).
All four pages come from one waitress server of the app (the same compression, headers and origin; the
references are public routes the bench adds, like bench/field.py's floor), tiles from that server too (one
small PNG), so nothing leaves the machine. Runs are interleaved (each round loads all four); prints every
round's LCPs and the ratios as min/median/max. Needs `make bench` (Lighthouse under bench/lighthouse) and
Chromium (CHROME_PATH, default /usr/bin/chromium).
"""
import argparse
import base64
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import logging

import waitress
from flask import Response

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
from bench.growth import PASSWORD  # noqa: E402
from outreach import create_app  # noqa: E402
from outreach.core.accounts import find_user, set_password  # noqa: E402
from outreach.core.ready import open_database  # noqa: E402
from outreach.demo.seed import seed  # noqa: E402
from outreach.core.access import public  # noqa: E402
from outreach.core.db import get_db  # noqa: E402
from outreach.core.maps import CLUSTER, LEAFLET, vendor_url  # noqa: E402

LIGHTHOUSE = HERE / "lighthouse" / "node_modules" / "lighthouse" / "cli" / "index.js"
SPOTS = 1000
# A 1×1 grey PNG: every tile of both maps (Leaflet stretches it to 256×256).
TILE = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGPo6AAAAoMBgQ4Cb4YAAAAASUVORK5CYII=")
STATIC_1K = ("<!doctype html><html lang=nl><head><meta charset=utf-8><meta name=viewport "
             "content='width=device-width,initial-scale=1'><title>Statisch</title></head><body><h1>Een statische "
             "pagina</h1><p>" + "Deze pagina is precies zo groot als een kilobyte tekst, zonder scripts of stijlen. "
             * 11 + "</p></body></html>")[:1024]


def free_port():
    """A TCP port nobody listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bare_page(points):
    """The bare Leaflet + markercluster page: the libraries, a full-screen map, the points in a cluster group."""
    css = "".join(f'<link rel="stylesheet" href="{vendor_url(lib, name)}">' for lib, name in (
        (LEAFLET, "leaflet.css"), (CLUSTER, "MarkerCluster.css"), (CLUSTER, "MarkerCluster.Default.css")))
    return ("<!doctype html><html lang=nl><head><meta charset=utf-8><meta name=viewport "
            "content='width=device-width,initial-scale=1'><title>Kaart</title>" + css +
            '<link rel="stylesheet" href="/bench/bare.css"></head><body><div id=map></div>'
            f'<script src="{vendor_url(LEAFLET, "leaflet.js")}"></script>'
            f'<script src="{vendor_url(CLUSTER, "leaflet.markercluster.js")}"></script>'
            '<script src="/bench/bare.js"></script></body></html>'), (
            "var points = " + json.dumps(points) + ";\nvar map = L.map('map').setView([52.3878, 6.0413], 13);\n"
            "L.tileLayer(TILE, {maxZoom: 19}).addTo(map);\nvar group = L.markerClusterGroup();\n"
            "points.forEach(function (p) { group.addLayer(L.marker([p[0], p[1]]).bindPopup(p[2])); });\n"
            "map.addLayer(group);\n")


def start(folder, prepare=None):
    """The app on a demo year with SPOTS active spots and the reference routes, served by waitress; (base, cookie)."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    app = create_app({"DATABASE": str(folder / "lcp.sqlite"), "SECRET_KEY": "bench",
                      "TILE_URL": base + "/bench/tile/{z}/{x}/{y}.png"})
    with app.app_context():
        open_database(create=True, upgrade=True)  # What `init-db` does; then a demo year, as growth.py seeds it.
        seed(2026, 1)
        set_password(find_user("werker")["id"], PASSWORD, False)
        db = get_db()
        extra = SPOTS - db.execute("select count(*) from spots where archived_at is null").fetchone()[0]
        db["spots"].insert_all({"name": f"Bankje {i}", "kind": "park", "lat": 52.36 + (i % 40) * 0.0015,
                                "lon": 6.00 + (i // 40) * 0.0035, "created_at": "2026-01-01T10:00:00Z"}
                               for i in range(extra))
        points = [[r["lat"], r["lon"], r["name"]] for r in
                  db.query("select lat, lon, name from spots where archived_at is null")]
    with app.test_request_context():
        page, script = bare_page(points)
    script = script.replace("TILE", json.dumps(app.config["TILE_URL"]), 1)
    routes = {"/bench/static.html": (STATIC_1K, "text/html"), "/bench/bare.html": (page, "text/html"),
              "/bench/bare.js": (script, "text/javascript"),
              # The app's CSP (style-src 'self') refuses an inline style, so the map's size comes in a file.
              "/bench/bare.css": ("html, body, #map { height: 100%; margin: 0 }", "text/css")}
    for path, (body, kind) in routes.items():
        app.add_url_rule(path, path, public(lambda body=body, kind=kind: Response(body, mimetype=kind)))
    app.add_url_rule("/bench/tile/<int:z>/<int:x>/<int:y>.png", "tile",
                     public(lambda z, x, y: Response(TILE, mimetype="image/png")))
    if prepare:
        prepare(app)  # An experiment's change to the app (e.g. a header), before it serves.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # "Task queue depth" while Chromium loads.
    server = waitress.create_server(app, host="127.0.0.1", port=port, threads=4)
    threading.Thread(target=server.run, daemon=True).start()
    client = app.test_client()  # Logs in with the same secret key: the session cookie Lighthouse sends.
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get("/login").text).group(1)
    assert client.post("/login", data={"username": "werker", "password": PASSWORD,
                                       "csrf_token": token}).status_code == 302
    return base, client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value, points


def lcp(url, cookie, name):
    """Lighthouse's mobile LCP of url in milliseconds (a fresh Chromium profile each time)."""
    chrome = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
    out = subprocess.run(
        ["node", str(LIGHTHOUSE), url, "--only-categories=performance", "--output=json", "--output-path=stdout",
         "--quiet", "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
         "--extra-headers=" + json.dumps({"Cookie": f"{name}={cookie}"})],
        capture_output=True, text=True, env={**os.environ, "CHROME_PATH": chrome}, timeout=300)
    if out.returncode:
        sys.exit(f"Lighthouse faalde op {url}:\n{out.stderr[-2000:]}")
    report = json.loads(out.stdout)
    assert report["finalDisplayedUrl"] == url, (url, report["finalDisplayedUrl"])  # Not sent to the login page.
    return report["audits"]["largest-contentful-paint"]["numericValue"]


def spread(values):
    """min / median / max."""
    return f"{min(values):.2f} / {statistics.median(values):.2f} / {max(values):.2f}"


def main():
    """Interleave the four pages for --runs rounds and print the LCPs and ratios."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="rounds (default 3)")
    args = parser.parse_args()
    if not LIGHTHOUSE.exists():
        sys.exit("Lighthouse ontbreekt: make bench (npm ci in bench/lighthouse)")
    folder = Path(tempfile.mkdtemp())
    base, cookie, points = start(folder)
    assert len(points) == SPOTS
    pages = {"form": "/contacts/new", "static": "/bench/static.html", "map": "/spots/", "bare": "/bench/bare.html"}
    got = {key: [] for key in pages}
    for round_ in range(args.runs):
        for key, path in pages.items():
            got[key].append(lcp(base + path, cookie, "straatwerk"))
        print(f"round {round_ + 1}: " + ", ".join(f"{k} {v[-1]:.0f} ms" for k, v in got.items()), flush=True)
    form = [a / b for a, b in zip(got["form"], got["static"])]
    spots = [a / b for a, b in zip(got["map"], got["bare"])]
    print(f"LCP /contacts/new ÷ 1 KB static page at {SPOTS} spots: {spread(form)}× (min/median/max; goal ≤ 1.5×)")
    print(f"LCP /spots/ ÷ bare Leaflet + markercluster, {SPOTS} points: {spread(spots)}× (goal ≤ 1.1×)")


if __name__ == "__main__":
    main()
