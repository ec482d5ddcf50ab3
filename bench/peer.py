"""Save a contact: Straatwerk ÷ a comparable Django 5.2 app (bench/peers/djangopeer), side by side in one process.

Both apps are called through WSGI by the same werkzeug test client class, interleaved (in a new random order every round), each with a logged-in
worker and its CSRF token; each save is one IMMEDIATE transaction with the contact and its audit row on SQLite
with WAL and synchronous=FULL, both databases in one temporary folder. Beside it, Straatwerk's floor route
(bench/field.py). Goal: save ÷ Django ≤ 0.6×. Needs `pip install -r bench/peers/requirements.txt` (make bench).
"""
import argparse
import random
import re
import sys
import tempfile
from pathlib import Path

from werkzeug.test import Client

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE / "peers")]
from bench.field import add_spots, logged_in_app  # noqa: E402
from bench.overhead import PASSWORD, medians  # noqa: E402
from outreach.core.dates import now_local  # noqa: E402

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def django_client(folder):
    """The Django peer on a fresh database in folder, with a logged-in worker; (client, its CSRF token)."""
    from djangopeer.settings import configure
    configure(folder / "django.sqlite")
    import django
    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application
    from djangopeer.models import Spot
    call_command("migrate", run_syncdb=True, verbosity=0)
    from django.db import connection
    with connection.cursor() as cursor:  # The same durability as Straatwerk's, or the comparison is void.
        assert [cursor.execute(f"PRAGMA {p}").fetchone()[0] for p in ("journal_mode", "synchronous")] == ["wal", 2]
    User.objects.create_user("werker", password=PASSWORD)
    Spot.objects.create(name="Skatebaan")
    client = Client(get_wsgi_application())
    token = TOKEN.search(client.get("/login/").text).group(1)
    assert client.post("/login/", data={"username": "werker", "password": PASSWORD,
                                        "csrfmiddlewaretoken": token}).status_code == 302
    return client, TOKEN.search(client.get("/contacts/new").text).group(1)


def main():
    """Interleave the saves and print the medians and ratios."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=1000, help="saves per side (default 1000)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    app, ours_client, token = logged_in_app(folder / "straatwerk.sqlite")
    add_spots(folder / "straatwerk.sqlite", 12, random.Random(1))
    peer, peer_token = django_client(folder)
    moment = now_local().strftime("%Y-%m-%dT%H:%M")
    ours_form = {"csrf_token": token, "contacted_at": moment, "spot": "1", "kind": "street", "youths_present": "1",
                 "new_gender": "unknown"}
    peer_form = {"csrfmiddlewaretoken": peer_token, "contacted_at": moment.replace("T", " "), "spot": "1",
                 "kind": "street", "youths_present": "1", "new_gender": "unknown"}
    # Each app's confirmation cookie is dropped after its save, untimed (a phone's next page would take it).
    ours, floor, theirs = medians(
        args.n, (lambda: ours_client.post("/contacts/new", data=ours_form), lambda: ours_client.delete_cookie("opgeslagen")),
        lambda: ours_client.post("/bench-floor", data=ours_form),
        (lambda: peer.post("/contacts/new", data=peer_form), lambda: peer.delete_cookie("messages")))
    from djangopeer.models import Audit, Contact
    assert Contact.objects.count() == Audit.objects.count() == args.n, "every Django save made its two rows"
    with app.app_context():
        from outreach.core.db import get_db
        assert get_db()["audit_log"].count_where("action = 'create' and object_type = 'contact'") == args.n
    print(f"save contact {ours * 1e6:.0f} µs ÷ Django 5.2 peer {theirs * 1e6:.0f} µs = {ours / theirs:.2f}× "
          "(goal ≤ 0.6×)")
    print(f"save ÷ floor: {ours / floor:.2f}× (floor {floor * 1e6:.0f} µs; goal ≤ 1.5×, aim ≤ 1.25×)")
    app.extensions["outreach.db"].close_all()


if __name__ == "__main__":
    main()
