"""Foundation benchmarks, reported as ratios measured side by side in one run (the machine is shared).

1. Login page bytes on a cold cache: the HTML and every same-origin asset it pulls in, raw and gzip.
2. Per-request overhead: the authenticated worker home ÷ a bare Flask route that returns the same bytes,
   both called through WSGI in the same process, interleaved (in a new random order every round).
3. Connection strategy: one INSERT through a persistent connection ÷ the same INSERT on a connection
   opened (with the PRAGMAs) and closed per request, interleaved; this is why db.py keeps one per thread.
"""
import argparse
import gzip
import json
import random
import re
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

from flask import Flask

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from outreach import create_app  # noqa: E402
from outreach.core.accounts import create_user  # noqa: E402
from outreach.core.db import PRAGMAS, connect  # noqa: E402
from outreach.core.ready import open_database

PASSWORD = "bench-wachtwoord-2026"


def timed(fn):
    """Seconds one call of fn takes."""
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def interleave(n, *sides):
    """Run every side n times, one round at a time; each side's seconds, in the order the sides were given.

    A side is a callable, or (callable, untimed step after it). Each round runs the sides in a new random order
    (seeded, so a run can be repeated). Why: a request finds colder caches after another app's request (or
    another route's) than after its own kind; in a fixed order, or one only turned, each side kept the same
    neighbour before it and that cost fell on some sides only (bench/field.py: the floor's own code, put in the
    save's place, measured 1.11× the floor, and 0.92× with the order swapped).
    """
    steps = [side if isinstance(side, tuple) else (side, None) for side in sides]
    times = [[] for _ in steps]
    order, shuffle = list(range(len(steps))), random.Random(n).shuffle
    for _ in range(n):
        shuffle(order)
        for k in order:
            call, after = steps[k]
            times[k].append(timed(call))
            if after:
                after()
    return times


def medians(n, *sides):
    """The median seconds of each side, run as interleave() runs them."""
    return [statistics.median(t) for t in interleave(n, *sides)]


ASSET = re.compile(r'(?:href|src)="(/static/[^"]+)"')
# base.html's loader, which adds the page's scripts and the manifest after the first frame: (base, [names], manifest).
LOADER = re.compile(r'\((".*?"), (\[.*?\]), (".*?"|null)\);</script>')


def assets(html):
    """The same-origin static files a page loads: in its tags and through base.html's loader."""
    found = ASSET.findall(html)
    for base, names, manifest in LOADER.findall(html):
        base = json.loads(base)
        found += [base + name for name in json.loads(names)]
        found += [base + json.loads(manifest)] if manifest != "null" else []
    return found


def login_page_bytes(client):
    """Bytes a phone downloads for the login page with an empty cache: HTML plus same-origin assets."""
    html = client.get("/login").data
    found = assets(html.decode())
    bodies = [html] + [client.get(a).data for a in found]
    return sum(map(len, bodies)), sum(len(gzip.compress(b)) for b in bodies), len(found)


def main():
    """Run the three measurements and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", type=int, default=2000, help="requests per side (default 2000)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp())
    app = create_app({"DATABASE": str(work / "bench.sqlite"), "SECRET_KEY": "bench"})
    with app.app_context():
        open_database(create=True, upgrade=True)  # What `init-db` does.
        create_user("werker", "worker", PASSWORD)
    client = app.test_client()
    raw, gz, n_assets = login_page_bytes(client)
    print(f"login page, cold cache: {raw} bytes raw, {gz} bytes gzip ({n_assets} same-origin assets)")

    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get("/login").text).group(1)
    client.post("/login", data={"username": "werker", "password": PASSWORD, "csrf_token": token})
    body = client.get("/").data
    bare = Flask("bare")
    bare.add_url_rule("/", "bare", lambda: body)
    bare_client = bare.test_client()
    ours, plain = medians(args.n, lambda: client.get("/"), lambda: bare_client.get("/"))
    print(f"worker home {ours * 1e6:.0f} µs ÷ bare route {plain * 1e6:.0f} µs = {ours / plain:.2f}×")

    path = work / "conn.sqlite"
    db = connect(path)
    db["t"].create({"id": int, "v": str}, pk="id")

    def per_request():
        """Open, set PRAGMAs, insert, close: what a connection per request would cost."""
        conn = sqlite3.connect(path, isolation_level=None)
        for pragma in PRAGMAS:
            conn.execute(pragma)
        conn.execute("insert into t (v) values (?)", ["x"])
        conn.close()

    def persistent():
        """The same insert on the kept connection."""
        db.conn.execute("insert into t (v) values (?)", ["x"])

    keep, reopen = medians(max(200, args.n // 4), persistent, per_request)
    print(f"insert, persistent {keep * 1e6:.0f} µs ÷ connection per request {reopen * 1e6:.0f} µs "
          f"= {keep / reopen:.2f}×")
    db.close()
    app.extensions["outreach.db"].close_all()
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
