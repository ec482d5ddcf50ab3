"""Issue 19 §6: rotate-key while the app keeps writing; every value stays readable and the old key is gone."""
import json
import os
import subprocess
import sys
import threading
import time

from conftest import AuthActions
from outreach.core.crypto import ENCRYPTED, REPORTERS, decrypt, encrypt, key_path
from outreach.core.db import connect
from outreach.core.dates import now_local
from outreach.core.reporters import connect as connect_store, path_for


def stored_values(database):
    """Every non-NULL encrypted value in the database and the reporter store: [(table, column, text)]."""
    found = []
    for db, tables in ((connect(database), ENCRYPTED), (connect_store(path_for(database)), REPORTERS)):
        for table, columns in tables.items():
            for column in columns:
                found += [(table, column, r[0]) for r in db.execute(
                    f"select {column} from {table} where {column} is not null")]  # Names from crypto only.
        db.close()
    return found


def seed_visits(app, spot, worker_id, n):
    """n sealed visit notes straight into the database: more rows than several reseal batches."""
    with app.app_context():
        notes = [encrypt("visits", "note", f"Oude notitie {i}") for i in range(n)]
    db = connect(app.config["DATABASE"])
    with db.atomic():
        db.conn.executemany("insert into visits (spot_id, worker_id, visited_at, youths_present, note) "
                            "values (?, ?, '2026-11-01 20:00', 1, ?)", [(spot, worker_id, note) for note in notes])
    db.close()


def test_rotation_over_more_rows_than_one_batch_reseals_every_one(app, runner, spot, worker_id):
    """With a batch of 5, 23 notes (and plain text from before encryption) all end up under the new key."""
    app.config["RESEAL_BATCH"] = 5
    seed_visits(app, spot, worker_id, 23)
    db = connect(app.config["DATABASE"])
    db.execute("update visits set note = 'Van voor de versleuteling' where id = 12")
    db.close()
    result = runner.invoke(args=["rotate-key"])
    assert result.exit_code == 0, result.output
    current = json.loads(key_path_of(app).read_text())["current"]
    notes = [r[2] for r in stored_values(app.config["DATABASE"]) if r[0] == "visits"]
    assert len(notes) == 23 and all(n.startswith(f"v1:{current}:") for n in notes)
    with app.app_context():
        assert sorted(decrypt("visits", "note", n) for n in notes) == sorted(
            [f"Oude notitie {i}" for i in range(23) if i != 11] + ["Van voor de versleuteling"])


def key_path_of(app):
    """The app's key file."""
    with app.app_context():
        return key_path()


class Writer(threading.Thread):
    """One kind of write, repeated through the real routes until told to stop; remembers when each one was saved."""

    def __init__(self, app, name, setup, write):
        """A logged-in worker client; setup(client) once, then write(client, n) in a loop."""
        super().__init__(name=name, daemon=True)
        self.client, self.setup, self.write = AuthActions(app.test_client()), setup, write
        self.stop, self.saved, self.failed = threading.Event(), [], []

    def run(self):
        """Write until stopped; a write that did not answer with a redirect (saved) is a failure."""
        self.client.login_role("worker")
        self.setup(self.client)
        n = 0
        while not self.stop.is_set():
            n += 1
            status = self.write(self.client, n)
            (self.saved if status == 302 else self.failed).append((time.monotonic(), status))


def edit_spot(client, n):
    """Change the spot's description."""
    return client.post("/spots/1/edit", {"name": "Skatebaan", "kind": "skatepark", "lat": "52.39", "lon": "6.03",
                                         "description": f"Achter de sporthal {n}"}, page="/spots/1/edit").status_code


def visit_form(note):
    """A valid visit form at the skatepark, now."""
    return {"spot": "1", "visited_at": now_local().strftime("%Y-%m-%dT%H:%M"), "youths_present": "2",
            "atmosphere": "calm", "note": note}


def new_visit(database):
    """Setup: a visit of this worker, to edit within its 24 hours (its id kept on the client)."""
    def setup(client):
        """Save the visit and remember its id."""
        assert client.post("/visits/new", visit_form("Eerste"), page="/visits/new").status_code == 302
        db = connect(database)
        client.visit_id = db.execute("select max(id) from visits").fetchone()[0]
        db.close()
    return setup


def edit_visit(client, n):
    """Change the note of the worker's own visit."""
    url = f"/visits/{client.visit_id}/edit"
    return client.post(url, visit_form(f"Notitie {n}"), page=url).status_code


def write_insight(client, n):
    """The worker's insight for the first quarter."""
    url = "/report/insights?van=2026-01&tot=2026-03"
    return client.post(url, {"text": f"Meer lachgas bij de skatebaan, week {n}"}, page=url).status_code


def setup_second_factor(database):
    """Start a second-factor set-up again and again (an admin reset in between): the secret is sealed each time."""
    def write(client, n):
        """Reset, then open the set-up page, which stores a new sealed secret."""
        db = connect(database)
        db.execute("update users set totp_secret = null where username = 'werker'")
        db.close()
        status = client.client.get("/account/2fa").status_code
        return 302 if status == 200 else status
    return write


def record_concern(client, n):
    """A concern with a reporter."""
    return client.post("/concerns/new", {
        "received_at": now_local().strftime("%Y-%m-%dT%H:%M"), "source": "friend",
        "reporter_name": f"Melder {n}", "reporter_reach": f"06-{n:08d}", "youth_code": "J-0001",
        "worry": "Blowt elke ochtend", "level": "high", "new_gender": "unknown"}, page="/concerns/new").status_code


def test_writes_during_rotate_key_stay_readable_and_the_old_key_is_gone(app, spot, worker_id, youth, tmp_path):
    """Spot, visit, insight, second factor and concern writes run while rotate-key (own process, batch 7) re-seals
    1,500 values: afterwards every stored value opens with the final key file, and no value names the old key (nor
    a key of a rotation in between, when one more was needed for every kind of write to race one)."""
    database = app.config["DATABASE"]
    seed_visits(app, spot, worker_id, 1500)
    old = json.loads(key_path_of(app).read_text())["current"]
    writers = [Writer(app, "spot", lambda c: None, edit_spot), Writer(app, "visit", new_visit(database), edit_visit),
               Writer(app, "insight", lambda c: None, write_insight),
               Writer(app, "2fa", lambda c: None, setup_second_factor(database)),
               Writer(app, "concern", lambda c: None, record_concern)]
    for writer in writers:
        writer.start()
    time.sleep(1)  # Every writer logged in and saving.
    factory = f"outreach:create_app({{'DATABASE': {database!r}, 'SECRET_KEY': 'test-secret', 'RESEAL_BATCH': 7}})"
    windows = []  # (start, end) of each rotation.

    def saved_meanwhile(writer):
        """True when the writer saved while one of the rotations ran."""
        return any(start <= at <= end for at, _ in writer.saved for start, end in windows)

    # On a busy machine a slow writer (the insight's page is the report's) may not land a save inside one rotation:
    # rotate again, up to three times, until every kind of write has raced one (each rotation is a whole one).
    for _ in range(3):
        started = time.monotonic()
        rotation = subprocess.run([sys.executable, "-m", "flask", "--app", factory, "rotate-key"],
                                  capture_output=True, text=True, timeout=300, cwd=os.path.dirname(database))
        windows.append((started, time.monotonic()))
        assert rotation.returncode == 0, rotation.stdout + rotation.stderr
        if all(saved_meanwhile(writer) for writer in writers):
            break
    time.sleep(0.5)
    for writer in writers:
        writer.stop.set()
        writer.join(60)
    for writer in writers:
        assert writer.failed == [], (writer.name, writer.failed)
        assert saved_meanwhile(writer), writer.name  # It really ran meanwhile.
    ring = json.loads(key_path_of(app).read_text())
    assert list(ring["keys"]) == [ring["current"]] and ring["current"] != old
    values = stored_values(database)
    assert len(values) > 1500
    with app.app_context():  # Every value opens with the final key file alone.
        for table, column, text in values:
            assert text.startswith(f"v1:{ring['current']}:"), (table, column)
            decrypt(table, column, text)
    assert not [v for v in values if old in v[2]]
    assert f"v1:{old}:".encode() not in path_for(database).read_bytes()  # Re-sealed in place, no old copy.


def test_rotate_key_reseals_in_batches_of_reseal_batch_and_logs_the_count(app, runner, spot, worker_id, seed_rows,
                                                                         monkeypatch):
    """Both the database and the reporter store are resealed in batches of RESEAL_BATCH (2,000 when unset), on
    both passes; the audit line says how many values were resealed."""
    import outreach.core.rotation as rotation
    from conftest import query_on
    for note in ("Rustig", "Druk bij de ingang"):
        seed_rows("visits", spot_id=spot, worker_id=worker_id, visited_at="2026-11-20 20:00", youths_present=1,
                  note=note)
    batches, real = [], rotation.reseal

    def spy(db, key_id, batch=2000, tables=ENCRYPTED):
        """Note the batch size asked for, then reseal for real."""
        batches.append(batch)
        return real(db, key_id, batch, tables)
    monkeypatch.setattr(rotation, "reseal", spy)
    assert runner.invoke(args=["rotate-key"]).exit_code == 0
    assert batches == [2000] * 4
    app.config["RESEAL_BATCH"] = 3
    batches.clear()
    result = runner.invoke(args=["rotate-key"])
    assert result.exit_code == 0 and batches == [3] * 4
    query = query_on(app)
    stored = sum(query(f"select count({column}) as n from {table}")[0]["n"]  # The two notes, the 2FA secrets.
                 for table, columns in ENCRYPTED.items() for column in columns)
    logged = query("select result from audit_log where object_type = 'keys' order by id")
    assert stored >= 2 and [row["result"] for row in logged] == [f"rotate: {stored} waarden"] * 2
