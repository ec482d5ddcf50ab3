"""Field-logging benchmarks, as ratios and sizes measured side by side in one run.

1. Save a contact: POST /contacts/new (session, CSRF, form validation, one IMMEDIATE transaction with the
   contact and its audit row) ÷ a bare Flask route doing one raw sqlite3 INSERT on a persistent connection
   with the same PRAGMAs; same process, interleaved (in a new random order every round), through WSGI. Beside
   it, the floor: the same POST to a worker-only route of the app (session, CSRF, login and permission checks,
   headers) doing the bare route's raw INSERT instead of reading a form: what any saving page of the app costs
   before its own code runs. The A/A check: the floor ÷ its own view at a second URL. And the save as a phone
   posts it: every field of the form as the page fills it in, with a client id of its own per entry.
2. Map page bytes (gzip, same-origin assets, tiles excluded) with 0 and with 1,000 spots: bytes per extra spot.
3. Contact form bytes on a cold cache: the HTML and every same-origin asset it loads.
"""
import argparse
import gzip
import random
import re
import sqlite3
import sys
import tempfile
from pathlib import Path

from flask import Flask, redirect
from werkzeug.datastructures import MultiDict

sys.path[:0] = [str(Path(__file__).resolve().parent.parent), str(Path(__file__).resolve().parent.parent / "tests")]
from bench.overhead import PASSWORD, assets, medians  # noqa: E402  (run from the project folder)
from outreach import create_app  # noqa: E402
from outreach.core import idempotency  # noqa: E402
from outreach.core.access import allow  # noqa: E402
from outreach.core.accounts import create_user  # noqa: E402
from outreach.core.db import PRAGMAS, connect, get_db  # noqa: E402
from outreach.core.ready import open_database
from outreach.demo.data import SPOTS  # noqa: E402
from outreach.core.dates import now_local  # noqa: E402
from pageforms import browser_data, post_forms  # noqa: E402  (tests/: what a browser posts for a form)

def page_bytes(client, url):
    """(raw, gzip) bytes of a page plus every same-origin asset it loads."""
    html = client.get(url).data
    bodies = [html] + [client.get(a).data for a in assets(html.decode())]
    return sum(map(len, bodies)), sum(len(gzip.compress(b, 6)) for b in bodies)


def bare_insert(conn):
    """One raw INSERT of a minimal contact, autocommitted (one fsync, like the app's one transaction)."""
    conn.execute("insert into contacts (worker_id, contacted_at, kind, youths_present) values (1, ?, ?, 1)",
                 ["2026-11-27 20:00", "street"])


def logged_in_app(path):
    """An app on a fresh database with a logged-in worker client and its CSRF token."""
    app = create_app({"DATABASE": str(path), "SECRET_KEY": "bench"})
    with app.app_context():
        open_database(create=True, upgrade=True)  # What `init-db` does.

    @allow("worker")
    def floor():
        """Everything a worker's POST passes through, then the bare route's one raw INSERT and a redirect."""
        bare_insert(get_db().conn)
        return redirect("/")
    app.add_url_rule("/bench-floor", "floor", floor, methods=["POST"])
    # The same view at a second URL: floor ÷ twin shows what the measuring method itself adds (≈ 1.00×).
    app.add_url_rule("/bench-floor-twin", "floor_twin", floor, methods=["POST"])
    with app.app_context():
        create_user("werker", "worker", PASSWORD)
    client = app.test_client()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get("/login").text).group(1)
    client.post("/login", data={"username": "werker", "password": PASSWORD, "csrf_token": token})
    # Logging in starts a clean session, so the form token comes from a page seen after login.
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get("/contacts/new").text).group(1)
    return app, client, token


def add_spots(path, n, rng):
    """n spots spread over the municipality, each with a visit in the last 60 days."""
    db = connect(path)
    with db.atomic():
        for i in range(n):
            name, kind, lat, lon, _, _ = SPOTS[i % len(SPOTS)]
            spot = db["spots"].insert({"name": f"{name} · wijk {i // len(SPOTS) + 1}", "kind": kind,
                                       "lat": round(lat + rng.uniform(-0.05, 0.05), 6),
                                       "lon": round(lon + rng.uniform(-0.08, 0.08), 6)}).last_pk
            db["visits"].insert({"spot_id": spot, "worker_id": 1, "youths_present": rng.randint(0, 9),
                                 "visited_at": f"2026-{rng.randint(9, 11):02d}-{rng.randint(1, 27):02d} 20:00"})
    db.close()


def main():
    """Run the measurements and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", type=int, default=1000, help="saves per side (default 1000)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp())
    app, client, token = logged_in_app(work / "field.sqlite")

    raw, gz = page_bytes(client, "/contacts/new")
    print(f"contact form, cold cache: {raw / 1024:.1f} KiB raw, {gz / 1024:.1f} KiB gzip")
    _, empty = page_bytes(client, "/spots/")
    add_spots(work / "field.sqlite", 1000, random.Random(1))
    _, full = page_bytes(client, "/spots/")
    print(f"map page gzip: {empty} bytes at 0 spots, {full} at 1000 → {(full - empty) / 1000:.1f} bytes per extra spot")

    form = {"csrf_token": token, "contacted_at": now_local().strftime("%Y-%m-%dT%H:%M"), "spot": "1", "kind": "street",
            "youths_present": "1", "new_gender": "unknown"}
    raw_conn = sqlite3.connect(work / "field.sqlite", isolation_level=None, check_same_thread=False)
    for pragma in PRAGMAS:
        raw_conn.execute(pragma)
    bare = Flask("bare")

    @bare.post("/")
    def insert():
        """The bare route: one raw INSERT on a persistent connection."""
        bare_insert(raw_conn)
        return "", 303
    bare_client = bare.test_client()

    # The same save as a phone sends it: every field of the form as the page filled it in, with its client id.
    phone = MultiDict(browser_data(post_forms(client.get("/contacts/new").text, "/contacts/new")["/contacts/new"]))
    phone["csrf_token"] = token
    assert len(phone) >= 15 and phone["client_id"] and phone["spot"], phone
    before = raw_conn.execute("select count(*) from contacts").fetchone()[0]

    def seen(sent):
        """A phone follows the redirect and sees the confirmation; here its cookie is checked and dropped."""
        assert client.get_cookie("opgeslagen").value == f"contact-{sent['contacted_at'][11:].replace(':', '')}"
        client.delete_cookie("opgeslagen")

    def next_entry():
        """After a phone's save: the confirmation seen, and the next entry's form has an id of its own."""
        seen(phone)
        phone["client_id"] = idempotency.new_id()
    ours, as_phone, floor, twin, plain = medians(
        args.n, (lambda: client.post("/contacts/new", data=form), lambda: seen(form)),
        (lambda: client.post("/contacts/new", data=phone), next_entry), lambda: client.post("/bench-floor", data=form),
        lambda: client.post("/bench-floor-twin", data=form), lambda: bare_client.post("/"))
    assert raw_conn.execute("select count(*) from contacts").fetchone()[0] == before + 5 * args.n
    print(f"save contact {ours * 1e6:.0f} µs ÷ bare sqlite3 insert route {plain * 1e6:.0f} µs = {ours / plain:.2f}×")
    print(f"floor: worker POST with the same raw INSERT {floor * 1e6:.0f} µs ÷ bare insert route = {floor / plain:.2f}×")
    print(f"A/A check: floor ÷ the same view at another URL {twin * 1e6:.0f} µs = {floor / twin:.2f}× (the method: ≈ 1.00×)")
    print(f"save ÷ floor: {ours / floor:.2f}× (goal ≤ 1.5×, aim ≤ 1.25×)")
    print(f"save as a phone posts it (all {len(phone)} fields, a client id) {as_phone * 1e6:.0f} µs ÷ floor: "
          f"{as_phone / floor:.2f}×")
    raw_conn.close()
    app.extensions["outreach.db"].close_all()


if __name__ == "__main__":
    main()
