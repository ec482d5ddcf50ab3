"""Growth benchmark: every list and form page of the field at the demo year and at ~1M contacts, side by side.

Both databases are open in one process; each round requests every page once on each, interleaved, through the
app's WSGI stack with a logged-in worker (the demo's `werker`, whose own history fills the menus). Prints per
page the median time at each size, the ratio large ÷ small (goal ≤ 1.5×, aim ≤ 1.1×) and the HTML bytes;
and the contact form's bytes at 12 and at 1,000 active spots (goal: ≤ 1 KB more).

The databases take minutes to make (`seed-demo --scale 500` about 8): kept in --cache and reused.
"""
import argparse
import gc
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from outreach import create_app  # noqa: E402
import pyotp  # noqa: E402
from outreach.core.accounts import find_user, set_password  # noqa: E402
from outreach.core.crypto import unseal  # noqa: E402
from outreach.core.db import get_db  # noqa: E402
from outreach.core.ready import open_database  # noqa: E402
from outreach.demo.data import ARCHIVED_SPOT, SPOTS  # noqa: E402
from outreach.demo.seed import seed  # noqa: E402

PASSWORD = "bench-wachtwoord-2026"
SIZES = {"demo year": 1, "~1M contacts": 500}
PAGES = ["/", "/youths/", "/youths/?pagina=2", "/youths/new", "/spots/", "/spots/?lat=52.3878&lon=6.0413",
         "/spots/new", "/spots/archief", "/contacts/", "/contacts/new", "/visits/", "/visits/new", "/concerns/", "/handoffs/",
         "/spots/kaart.json?bbox=52.37,6.00,52.41,6.08", "/spots/zoek.json?q=skate&lat=52.3878&lon=6.0413", "/spots/contacten.json",
         "/handoffs/?na=2026-06-01 00:00|999999999"]
# The CJG's inbox, asked by the demo's `cjg` (second factor and all): its tabs, 'mijn zaken', a later page.
CJG_PAGES = ["/cjg/", "/cjg/?mijn=1", "/cjg/?tab=afgerond", "/cjg/?tab=afgerond&mijn=1", "/cjg/?status=received",
             "/cjg/?tab=afgerond&na=2026-06-01 00:00|999999999"]


def app_on(cache, scale, quiet=False):
    """The app on the cached demo database of this scale (seeded on first use), with `werker` able to log in."""
    path = cache / f"growth-{scale}.sqlite"
    app = create_app({"DATABASE": str(path), "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False})
    with app.app_context():
        open_database(create=True, upgrade=True)  # What `init-db` does; migrates an older cached file too.
    with app.app_context():
        if not get_db()["contacts"].count:
            started = time.perf_counter()
            seed(2026, scale)
            quiet or print(f"  seeded --scale {scale} in {time.perf_counter() - started:.0f} s", flush=True)
        set_password(find_user("werker")["id"], PASSWORD, False)
        set_password(find_user("cjg")["id"], PASSWORD, False)
        secret = unseal("users", dict(find_user("cjg")))["totp_secret"]
        contacts = get_db()["contacts"].count
    client = app.test_client()
    assert client.post("/login", data={"username": "werker", "password": PASSWORD}).status_code == 302
    cjg = app.test_client()
    assert cjg.post("/login", data={"username": "cjg", "password": PASSWORD}).status_code == 302
    step = int(time.time() // 30)  # A code newer than the last one used (each works once), as a phone would give.
    last = get_last_step(app, "cjg")
    code = pyotp.TOTP(secret).generate_otp(max(step, (last or 0) + 1))
    assert cjg.post("/login/code", data={"code": code}).status_code == 302
    client.cjg = cjg
    return client, contacts


def get_last_step(app, username):
    """The newest time step whose code this account used."""
    with app.app_context():
        return find_user(username)["totp_last_step"]


def timed(client, url):
    """Seconds one request takes, and the response's size."""
    start = time.perf_counter()
    response = client.get(url)
    seconds = time.perf_counter() - start
    assert response.status_code == 200, (url, response.status_code)
    return seconds, len(response.data)


def spot_bytes():
    """Contact form bytes with the demo's active spots and with 1,000 (fresh demo databases, the same history)."""
    sizes = {}
    for extra in (0, 1000 - len([s for s in SPOTS if s[0] != ARCHIVED_SPOT])):
        with tempfile.TemporaryDirectory() as folder:
            client, _ = app_on(Path(folder), 1, quiet=True)
            with client.application.app_context():
                get_db()["spots"].insert_all({"name": f"Bankje {i}", "kind": "park", "lat": 52.38 + i * 1e-4,
                                              "lon": 6.04, "created_at": "2026-01-01T10:00:00Z"} for i in range(extra))
                active = get_db().execute("select count(*) from spots where archived_at is null").fetchone()[0]
            sizes[active] = len(client.get("/contacts/new").data)
            client.application.extensions["outreach.db"].close_all()
    return sizes


def main():
    """Measure every page at both sizes, interleaved, and print the ratios."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=15, help="rounds (default 15)")
    parser.add_argument("--cache", type=Path, default=Path("/tmp/straatwerk-bench"))
    args = parser.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    clients = {name: app_on(args.cache, scale) for name, scale in SIZES.items()}
    times = {(name, url): [] for name in SIZES for url in PAGES + CJG_PAGES}
    size = {}
    # The garbage collector runs between rounds only, and each round swaps which size goes first: a pause or a
    # warm cache left by the other side falls on both sides alike.
    gc.disable()
    for round_ in range(args.n):
        order = list(clients.items())[::-1 if round_ % 2 else 1]
        for url in PAGES + CJG_PAGES:
            for name, (client, _) in order:
                seconds, size[name, url] = timed(client.cjg if url in CJG_PAGES else client, url)
                times[name, url].append(seconds)
        gc.collect()
    gc.enable()
    small, large = SIZES
    print(f"{'page':48} {small:>10} {large:>13}  ratio   bytes ({small} / {large})")
    print(f"{'':48} {clients[small][1]:>7,} c. {clients[large][1]:>10,} c.")
    for url in PAGES + CJG_PAGES:
        a, b = (statistics.median(times[name, url]) * 1000 for name in SIZES)
        print(f"{url:48} {a:7.1f} ms {b:10.1f} ms  {b / a:5.2f}×  {size[small, url]:,} / {size[large, url]:,}")
    sizes = spot_bytes()
    (few, a), (many, b) = sorted(sizes.items())
    print(f"contact form bytes: {a:,} at {few} spots, {b:,} at {many} spots ({b - a:+,} bytes)")


if __name__ == "__main__":
    main()
