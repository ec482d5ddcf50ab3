"""Encryption at rest: sealed values, refused tampering, a copied database file without names, and rotate-key."""
import json
import os
import re
import shutil
import stat
import uuid

import pyotp
import pytest

from conftest import AuthActions, next_code
from outreach.core.crypto import ENCRYPTED, REPORTERS, DecryptionError, decrypt, encrypt, key_path, seal, unseal
from outreach.core.db import connect
from outreach.core.dates import now_local
from outreach.core.reporters import path_for

HANDOFF_CANARY, REPORTER_CANARY = "Canarywoutje Zeldzaamnaam", "Kanariemelder Uniek"


def test_round_trip_with_a_fresh_nonce_each_time(app):
    """A value comes back as it went in; the same text twice gives two different ciphertexts."""
    with app.app_context():
        first, second = (encrypt("handoffs", "full_name", "Daan de Vries") for _ in range(2))
        assert re.fullmatch(r"v1:[0-9a-f]{8}:[A-Za-z0-9_=-]+", first) and first != second
        assert decrypt("handoffs", "full_name", first) == decrypt("handoffs", "full_name", second) == "Daan de Vries"
        assert decrypt("contacts", "note", encrypt("contacts", "note", "")) == ""
        reporter = {"concern_id": 1, "name": "Sanne", "reach": None}
        stored = seal("concern_reporters", reporter)
        assert stored["name"].startswith("v1:") and stored["reach"] is None
        assert unseal("concern_reporters", stored) == reporter


def test_a_page_of_rows_is_unsealed_like_one_row_at_a_time(app):
    """unseal_all (the lists' batch: one keyring look-up) gives what unseal gives row by row, in place (a page's
    rows are fresh dicts of its own query), tampering refused too."""
    from outreach.core.crypto import unseal_all
    with app.app_context():
        rows = [seal("handoffs", {"id": i, "full_name": f"Jongere {i}", "phone": None, "status": "sent"})
                for i in range(3)]
        one_by_one, sealed_name = [unseal("handoffs", row) for row in rows], rows[0]["full_name"]
        assert all(row["full_name"].startswith("v1:") for row in rows)
        assert unseal_all("handoffs", rows) is rows and rows == one_by_one
        assert [r["full_name"] for r in rows] == ["Jongere 0", "Jongere 1", "Jongere 2"]
        assert unseal_all("handoffs", []) == []
        with pytest.raises(DecryptionError):
            unseal_all("handoffs", [{"phone": sealed_name}])  # Moved to another column.


def test_a_page_of_rows_looks_its_keys_up_once_and_names_a_tampered_column(app, monkeypatch):
    """What makes unseal_all the lists' batch: the keyring and each column's associated data are worked out once per
    page, not once per row (a page's cost must not grow with its rows); a tampered value still names its column."""
    from outreach.core import crypto
    looked_up = {"keyring": 0, "associated": 0}
    for name in looked_up:
        original = getattr(crypto, name)

        def counted(*args, _original=original, _name=name):
            """The original, counted."""
            looked_up[_name] += 1
            return _original(*args)
        monkeypatch.setattr(crypto, name, counted)
    with app.app_context():
        rows = [seal("handoffs", {"id": i, "full_name": f"Jongere {i}", "phone": f"06-1234567{i}"}) for i in range(5)]
        looked_up.update(keyring=0, associated=0)
        crypto.unseal_all("handoffs", rows)
        assert looked_up == {"keyring": 1, "associated": 2}  # One ring; full_name and phone.
        assert [r["phone"] for r in rows] == [f"06-1234567{i}" for i in range(5)]
        tampered = seal("handoffs", {"full_name": "Daan"})
        tampered["full_name"] = tampered["full_name"][:-6] + ("A" if tampered["full_name"][-6] != "A" else "B") + \
            tampered["full_name"][-5:]
        with pytest.raises(DecryptionError, match=r"^handoffs\.full_name: waarde is gewijzigd"):
            crypto.unseal_all("handoffs", [tampered])


def test_tampered_or_moved_values_are_refused(app):
    """A changed byte, a value moved to another column or table, or an unknown key raises; never garbage."""
    with app.app_context():
        sealed = encrypt("handoffs", "full_name", "Daan de Vries")
        at = len(sealed) - 12  # One base64 character inside the ciphertext and its tag.
        flipped = sealed[:at] + ("A" if sealed[at] != "A" else "B") + sealed[at + 1:]
        for table, column, value in [("handoffs", "full_name", flipped), ("handoffs", "phone", sealed),
                                     ("concern_reporters", "name", sealed),
                                     ("handoffs", "full_name", sealed.replace(sealed[3:11], "00000000"))]:
            with pytest.raises(DecryptionError) as refused:
                decrypt(table, column, value)
            assert "Daan" not in str(refused.value)  # The message never carries the content.
        with pytest.raises(KeyError):
            encrypt("youths", "alias", "Rode pet")  # Only the columns listed in ENCRYPTED.


def test_null_stays_null_and_legacy_plain_text_passes_through(app):
    """NULL is not sealed; text written before encryption (even one starting with 'v1:') is read as is."""
    with app.app_context():
        assert encrypt("contacts", "note", None) is None and decrypt("contacts", "note", None) is None
        for legacy in ("Rustige avond bij de skatebaan", "v1: eerste notitie"):
            assert decrypt("contacts", "note", legacy) == legacy


def test_keyring_is_owner_only_and_its_path_configurable(template_db, tmp_path):
    """The keyring is made on first use, 0600, where DATA_KEY_FILE says; a lost keyring is not silently replaced."""
    from conftest import make_app
    path = tmp_path / "elders" / "sleutels.json"
    path.parent.mkdir()
    shutil.copy(template_db, tmp_path / "db.sqlite")
    app = make_app(tmp_path / "db.sqlite", DATA_KEY_FILE=str(path))
    with app.app_context():
        sealed = encrypt("visits", "note", "Rustig")
        assert key_path() == path and stat.S_IMODE(os.stat(path).st_mode) == 0o600
        ring = json.loads(path.read_text())
        assert set(ring) == {"current", "keys"} and list(ring["keys"]) == [ring["current"]]
        db = app.extensions["outreach.db"].get()
        db.execute("insert into spots (id, name, kind, lat, lon) values (1, 'Park', 'park', 52.4, 6.0)")
        db.execute("insert into visits (spot_id, worker_id, visited_at, youths_present, note) "
                   "values (1, 1, '2026-11-20 20:00', 0, ?)", [sealed])
        path.unlink()
        lost = (rf"^Sleutelbestand {re.escape(str(path))} ontbreekt, maar er zijn versleutelde gegevens\. Zet het "
                rf"sleutelbestand terug als {re.escape(str(path))}: .*Maak geen nieuw sleutelbestand")
        with pytest.raises(RuntimeError, match=lost):
            encrypt("visits", "note", "Nieuw")
    app.extensions["outreach.db"].close_all()


def raw_database(app):
    """The bytes of the database file, its WAL and the reporter store, after a full checkpoint."""
    app.extensions["outreach.db"].close_all()
    db = connect(app.config["DATABASE"])
    assert db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0] == 0
    db.close()
    files = (app.config["DATABASE"], app.config["DATABASE"] + "-wal", path_for(app.config["DATABASE"]))
    return b"".join(open(p, "rb").read() for p in files if os.path.exists(p))


def record_canaries(app, auth, youth):
    """A concern with a canary reporter and a handoff with a canary name, both through the real forms."""
    auth.login_role("worker")
    concern = {"received_at": now_local().strftime("%Y-%m-%dT%H:%M"), "source": "friend",
               "reporter_name": REPORTER_CANARY, "reporter_reach": "06-13572468", "youth_code": "J-0001",
               "worry": "Blowt elke ochtend", "facts": "Drie weken niet op school", "level": "high",
               "new_gender": "unknown"}
    assert auth.post("/concerns/new", concern, page="/concerns/new").status_code == 302
    url = f"/handoffs/new?youth={youth}"  # The concern stays open, so its reporter is still stored.
    handoff = {"submission": uuid.uuid4().hex, "reason": "Gebruik loopt uit de hand", "facts": "Spijbelt",
               "stage": "3", "urgency": "high", "consent": "yes", "full_name": HANDOFF_CANARY,
               "birth_date": "2009-04-01", "phone": "06-24681357", "address": "Dorpsstraat 1, Heerde",
               "summary": "Samenvatting voor het CJG"}
    assert auth.post(url, handoff, page=url).status_code == 302


def test_a_copied_database_file_shows_no_names(app, auth, client, youth):
    """Canaries from a handoff and a reporter are in no byte of the checkpointed file, in any encoding."""
    record_canaries(app, auth, youth)
    raw = raw_database(app)
    for canary in (HANDOFF_CANARY, REPORTER_CANARY, "06-24681357", "06-13572468", "Dorpsstraat"):
        for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
            assert canary.encode(encoding) not in raw, (canary, encoding)
    assert REPORTER_CANARY in client.get("/concerns/1").text  # The recording worker still reads it...
    cjg = AuthActions(app.test_client())
    cjg.login_role("cjg")
    assert HANDOFF_CANARY in cjg.client.get("/cjg/").text  # ...and the CJG the name, in the inbox and the handoff.
    assert HANDOFF_CANARY in cjg.client.get("/cjg/1").text


def sealed_values(query, reporters):
    """Every non-NULL encrypted value as stored, in the database and the reporter store: {(table, rowid, column): text}."""
    found = {}
    for read, tables in ((query, ENCRYPTED), (reporters, REPORTERS)):
        for table, columns in tables.items():
            for row in read(f"select rowid as rowid_, {', '.join(columns)} from {table}"):
                found.update({(table, row["rowid_"], c): row[c] for c in columns if row[c] is not None})
    return found


def test_rotate_key_keeps_every_record_readable(app, auth, runner, query, reporters, youth, seed_rows, worker_id):
    """After rotate-key every value reads as before, under the new key; the old key and old ciphertexts are gone."""
    record_canaries(app, auth, youth)
    seed_rows("visits", spot_id=seed_rows("spots", name="Skatebaan", kind="skatepark", lat=52.39, lon=6.03),
              worker_id=worker_id, visited_at="2026-11-20 20:00", youths_present=2, note="Van voor de versleuteling")
    before = sealed_values(query, reporters)
    with app.app_context():
        opened = {k: decrypt(k[0], k[2], v) for k, v in before.items()}
        path = key_path()
    old_ids = set(json.loads(path.read_text())["keys"])
    result = runner.invoke(args=["rotate-key"])
    assert result.exit_code == 0, result.output
    assert f"{len(before)} waarden opnieuw versleuteld" in result.output
    ring = json.loads(path.read_text())
    assert set(ring["keys"]) == {ring["current"]} and not old_ids & set(ring["keys"])  # Old keys dropped.
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    after = sealed_values(query, reporters)
    assert after.keys() == before.keys()
    assert all(v.startswith(f"v1:{ring['current']}:") for v in after.values())  # Legacy text sealed too.
    with app.app_context():
        assert {k: decrypt(k[0], k[2], v) for k, v in after.items()} == opened
    assert query("select action, object_id from audit_log where object_type = 'keys'") == [
        {"action": "update", "object_id": ring["current"]}]
    raw = raw_database(app)
    assert not [v for v in before.values() if v.encode() in raw]  # No old ciphertext lingers in the file or WAL.
    assert b"Van voor de versleuteling" not in raw


def test_a_failed_rotation_leaves_everything_readable(app, auth, runner, query, reporters, youth, monkeypatch):
    """A crash halfway through re-encrypting rolls back and keeps the old key, so nothing becomes unreadable."""
    import outreach.core.rotation
    record_canaries(app, auth, youth)
    before = sealed_values(query, reporters)
    real = outreach.core.rotation.reseal

    def crash(*args, **kwargs):
        """Re-encrypt for real, then fail before the commit."""
        real(*args, **kwargs)
        raise OSError("schijf vol")
    monkeypatch.setattr(outreach.core.rotation, "reseal", crash)
    assert runner.invoke(args=["rotate-key"]).exit_code != 0
    assert sealed_values(query, reporters) == before
    with app.app_context():
        assert decrypt("handoffs", "full_name", before[("handoffs", 1, "full_name")]) == HANDOFF_CANARY
        assert len(json.loads(key_path().read_text())["keys"]) == 2  # The new key was added, the old one kept.


def test_second_factor_secret_is_sealed_and_still_logs_in(app, auth, query):
    """The TOTP secret set up on the page is stored sealed (not in the file's bytes) and its codes still log in."""
    auth.login_role("worker")
    page = auth.client.get("/account/2fa").text
    secret = re.search(r'aria-label="Sleutel voor de app">([^<]+)<', page).group(1).replace(" ", "")
    auth.post("/account/2fa", {"code": pyotp.TOTP(secret).now()}, page="/account/2fa")
    stored = query("select totp_secret, totp_enrolled_at from users where username = 'werker'")[0]
    assert stored["totp_secret"].startswith("v1:") and stored["totp_enrolled_at"]
    assert secret.encode() not in raw_database(app)
    auth.logout()
    assert auth.login("werker", second_factor=False).headers["Location"] == "/login/code"
    response = auth.code(next_code(app.config["DATABASE"], "werker", secret))
    assert response.status_code == 302 and auth.client.get("/").status_code == 200


def test_rotate_key_over_more_rows_than_one_batch_leaves_every_value_under_the_new_key(app, runner, query,
                                                                                        seed_rows, worker_id):
    """4,101 notes (a batch is 2,000; rotate-key also makes a catch-up pass), old-key sealed and plain: afterwards
    every one is under the new key and reads as before."""
    from outreach.core.db import get_db
    spot = seed_rows("spots", name="Skatebaan", kind="skatepark", lat=52.39, lon=6.03)
    with app.app_context():
        db = get_db()
        rows = [{"spot_id": spot, "worker_id": worker_id, "visited_at": "2026-11-20 20:00", "youths_present": 1,
                 "note": f"Notitie {n}"} for n in range(4101)]
        db["visits"].insert_all(rows[:4000] + [dict(r, note=encrypt("visits", "note", r["note"])) for r in rows[4000:]])
    result = runner.invoke(args=["rotate-key"])
    assert result.exit_code == 0, result.output
    current = json.loads(key_path_of(app).read_text())["current"]
    stored = [r["note"] for r in query("select note from visits order by id")]
    assert all(note.startswith(f"v1:{current}:") for note in stored)
    with app.app_context():
        assert [decrypt("visits", "note", note) for note in stored] == [f"Notitie {n}" for n in range(4101)]


def key_path_of(app):
    """The app's keyring file."""
    with app.app_context():
        return key_path()


@pytest.mark.parametrize("batch", [1, 2, 3, 1000])
def test_reseal_in_small_batches_misses_no_row_of_any_table(app, seed_rows, worker_id, query, batch):
    """Whatever the batch size, every sealed column of every row ends up under the key asked for."""
    from outreach.core.crypto import keyring, new_key, read_keyring, write_keyring
    from outreach.core.db import get_db
    from outreach.core.rotation import reseal
    spot = seed_rows("spots", name="Skatebaan", kind="skatepark", lat=52.39, lon=6.03, description="Achter de hal")
    for n in range(5):
        seed_rows("visits", spot_id=spot, worker_id=worker_id, visited_at="2026-11-20 20:00", youths_present=1,
                  note=f"Notitie {n}" if n != 2 else None)
    with app.app_context():
        keyring()  # Made on first use.
        ring = read_keyring(key_path())
        key_id = new_key(ring)
        write_keyring(key_path(), ring)
        counts = reseal(get_db(), key_id, batch=batch)
        notes = [r["note"] for r in query("select note from visits order by id")]
        assert notes[2] is None and all(n.startswith(f"v1:{key_id}:") for i, n in enumerate(notes) if i != 2)
        assert [decrypt("visits", "note", n) for n in notes] == ["Notitie 0", "Notitie 1", None, "Notitie 3",
                                                                 "Notitie 4"]
        assert query("select description from spots")[0]["description"].startswith(f"v1:{key_id}:")
        assert counts["visits"] == 4 and counts["spots"] == 1


def test_refusals_name_the_column_or_the_missing_key_and_never_the_content(app):
    """What an operator reads in the log: which column, which key in which file; never the text itself."""
    with app.app_context():
        sealed = encrypt("handoffs", "full_name", "Daan de Vries")
        with pytest.raises(DecryptionError, match=r"^handoffs\.phone: waarde is gewijzigd of hoort niet in deze kolom$"):
            decrypt("handoffs", "phone", sealed)
        with pytest.raises(DecryptionError, match=rf"^Sleutel 00000000 ontbreekt in {re.escape(str(key_path()))}$"):
            decrypt("handoffs", "full_name", "v1:00000000:" + sealed.split(":")[2])
        with pytest.raises(KeyError, match="youths.alias is geen versleutelde kolom"):
            encrypt("youths", "alias", "Rode pet")


def test_the_keyring_sits_beside_the_database_by_default(app):
    """Without DATA_KEY_FILE the keys are in data-keys.json next to the database, as the README says."""
    with app.app_context():
        assert key_path() == type(key_path())(app.config["DATABASE"]).with_name("data-keys.json")


def test_a_keyring_made_by_another_process_at_the_same_moment_is_kept(app):
    """Two first runs at once: the second finds the file made meanwhile and keeps it; one key for everybody."""
    from outreach.core.crypto import create_keyring, keyring, read_keyring
    with app.app_context():
        keyring()
        first = read_keyring(key_path())
        create_keyring(key_path())  # As if this process checked for the file just before the other one wrote it.
        assert read_keyring(key_path()) == first
        assert [p.name for p in key_path().parent.iterdir() if p.name.startswith(".data-keys-")] == []


def test_rows_for_the_demo_seed_are_sealed_one_by_one(app):
    """sealed() seals the encrypted columns of each row and leaves the others as they are."""
    from outreach.core.crypto import sealed
    with app.app_context():
        rows = list(sealed("visits", [{"note": "Rustig", "youths_present": 3}, {"note": None, "youths_present": 0}]))
        assert rows[0]["note"].startswith("v1:") and rows[0]["youths_present"] == 3 and rows[1] == {
            "note": None, "youths_present": 0}
        assert decrypt("visits", "note", rows[0]["note"]) == "Rustig"


def test_a_row_saved_sealed_is_stored_sealed_audited_and_updated_in_place(app, query, worker_id):
    """save_sealed (spots, visits, insights): a new row with its creator and stamp, its free text sealed and one
    'create' audit line; saving it again updates that row (still sealed) and writes an 'update' line."""
    from outreach.core.crypto import save_sealed
    with app.app_context():
        spot = save_sealed("spots", "spot", {"name": "Skatebaan", "kind": "skatepark", "lat": 52.39, "lon": 6.03,
                                             "description": "Achter de hal"}, None, created_by=worker_id)
    row = query("select * from spots")[0]
    assert (row["id"], row["name"], row["created_by"]) == (spot, "Skatebaan", worker_id) and row["created_at"]
    assert row["description"].startswith("v1:")
    with app.app_context():
        assert decrypt("spots", "description", row["description"]) == "Achter de hal"
        assert save_sealed("spots", "spot", {"description": "Bij de bank"}, spot) == spot
    rows = query("select * from spots")
    assert len(rows) == 1 and rows[0]["name"] == "Skatebaan" and rows[0]["description"].startswith("v1:")
    with app.app_context():
        assert decrypt("spots", "description", rows[0]["description"]) == "Bij de bank"
    assert query("select action, object_type, object_id from audit_log where object_type = 'spot'") == [
        {"action": "create", "object_type": "spot", "object_id": str(spot)},
        {"action": "update", "object_type": "spot", "object_id": str(spot)}]


def test_a_plain_column_that_looks_sealed_is_shown_as_typed(app):
    """Only the encrypted columns are opened: text in any other column that happens to look like a sealed value
    (a youth may be called anything) comes back as it is, in unseal and unseal_all alike, never an error."""
    from outreach.core.crypto import unseal_all
    with app.app_context():
        row = {"id": 1, "status": encrypt("handoffs", "full_name", "Daan"), "full_name": None}
        assert unseal("handoffs", row) == row
        assert unseal_all("handoffs", [row]) == [row]


def test_the_keyring_is_written_beside_itself_and_renamed_into_place(app, runner, monkeypatch):
    """A new or rotated key file is first written as a hidden .data-keys-* file in the key file's own folder and
    then renamed or linked into place: one atomic step on one filesystem (a temp file elsewhere, e.g. a tmpfs
    /tmp, could not be renamed across); the file is whole, owner-only, and no temp file stays behind."""
    moves = []
    real_replace, real_link = os.replace, os.link

    def spy(real):
        """Record where each move comes from, then move."""
        def move(source, target, *args, **kwargs):
            moves.append((os.path.dirname(source), os.path.basename(source), str(target)))
            return real(source, target, *args, **kwargs)
        return move
    monkeypatch.setattr(os, "replace", spy(real_replace))
    monkeypatch.setattr(os, "link", spy(real_link))
    path = key_path_of(app)
    with app.app_context():
        encrypt("visits", "note", "Rustig")  # Makes the key file (a link: never over another's).
    assert runner.invoke(args=["rotate-key"]).exit_code == 0  # Replaces it twice: new key added, old dropped.
    assert len(moves) == 3
    for folder, name, target in moves:
        assert (folder, target) == (str(path.parent), str(path)) and name.startswith(".data-keys-")
    assert [p.name for p in path.parent.iterdir() if p.name.startswith(".data-keys-")] == []
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600 and len(json.loads(path.read_text())["keys"]) == 1


HINT = ("Zet het sleutelbestand terug als {0}: de kopie van data-keys.json die de beheerder apart van de "
        "databaseback-ups bewaart (back-ups bevatten nooit sleutels; zie de README, Back-ups). Maak geen "
        "nieuw sleutelbestand: dan is de versleutelde tekst voorgoed onleesbaar.")


@pytest.fixture
def two_keys_in_use(app, seed_rows):
    """A database and reporter store with values under two keys the key file lacks; returns (database, key file)."""
    seed_rows("spots", name="Skatebaan", kind="skatepark", lat=52.39, lon=6.03, description="v1:aaaaaaa2:QUJD")
    seed_rows("concern_reporters", concern_id=1, reach="v1:aaaaaaa1:QUJD")
    path = key_path_of(app)
    app.extensions["outreach.db"].close_all()
    app.extensions["outreach.reporters"].close_all()
    return app.config["DATABASE"], path


def refusal(database):
    """The message the app refuses to start with."""
    from conftest import make_app
    from outreach.core.crypto import KeyFileError
    with pytest.raises(KeyFileError) as refused:
        make_app(database)
    return str(refused.value)


def test_start_refusals_say_exactly_what_is_wrong_and_where_the_key_file_comes_from(two_keys_in_use):
    """What the admin reads when Straatwerk will not start: the file, every key needed, what the file has, and how
    to put the key file back, word for word; for a missing, an unreadable and a wrong key file."""
    database, path = two_keys_in_use
    hint = HINT.format(path)
    path.unlink(missing_ok=True)  # Nothing was sealed through the app, so it may not have been made.
    assert refusal(database) == (f"Straatwerk start niet: het sleutelbestand {path} ontbreekt, maar er zijn gegevens "
                                 f"versleuteld met sleutel aaaaaaa1, aaaaaaa2. {hint}")
    path.write_text("{niet af")
    assert refusal(database) == (f"Straatwerk start niet: het sleutelbestand {path} is niet te lezen "
                                 f"(JSONDecodeError). {hint}")
    path.write_text(json.dumps({"current": None, "keys": {}}))
    assert refusal(database) == (f"Straatwerk start niet: het sleutelbestand {path} mist sleutel aaaaaaa1, "
                                 f"aaaaaaa2, waarmee gegevens versleuteld zijn (het bestand heeft geen sleutels). "
                                 f"{hint}")
    path.write_text(json.dumps({"current": "bbbbbbb2", "keys": {"bbbbbbb2": "x", "aaaaaaa1": "y", "bbbbbbb1": "z"}}))
    assert refusal(database) == (f"Straatwerk start niet: het sleutelbestand {path} mist sleutel aaaaaaa2, "
                                 f"waarmee gegevens versleuteld zijn (het bestand heeft aaaaaaa1, bbbbbbb1, "
                                 f"bbbbbbb2). {hint}")


def test_reporters_still_in_the_database_of_an_older_release_need_their_key_too(two_keys_in_use):
    """Before migration 0010 reporter details sat in the database itself: their key counts at start as well."""
    database, path = two_keys_in_use
    db = connect(database)
    db.execute("create table concern_reporters (concern_id integer, name text, reach text)")
    db.execute("insert into concern_reporters values (1, 'v1:aaaaaaa3:QUJD', null)")
    db.close()
    path.write_text(json.dumps({"current": "aaaaaaa1", "keys": {"aaaaaaa1": "x", "aaaaaaa2": "y"}}))
    assert "mist sleutel aaaaaaa3, waarmee" in refusal(database)
