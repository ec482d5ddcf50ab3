"""The data layer: PRAGMAs, migrations, IMMEDIATE transactions, one connection per thread, the schema."""
import sqlite3
import threading

import pytest
import sqlite_utils

from outreach import create_app
from outreach.core.ready import NotReady
from outreach.core.db import connect, get_db
from outreach.core.reporters import connect as connect_store, path_for
from outreach.core.schema import migrations


def test_pragmas(app):
    """Pragmas."""
    with app.app_context():
        db = get_db()
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert db.execute("PRAGMA busy_timeout").fetchone()[0] == 5000


def test_init_db_is_idempotent(runner, app):
    """Init db is idempotent."""
    for _ in range(2):
        result = runner.invoke(args=["init-db"])
        assert result.exit_code == 0 and "Database klaar" in result.output
    with app.app_context():
        assert [m.name for m in migrations.applied(get_db())] == [
            "0001_initial", "0002_contact_corrections", "0003_handoff_seen", "0004_handoff_submission",
            "0005_report", "0006_retention", "0007_security", "0008_report_indexes", "0009_client_ids",
            "0010_reporters_apart", "0011_seal_plain_values", "0012_stable_codes", "0013_oidc", "0014_activity",
            "0015_rounds", "0016_people_and_messages", "0017_report_signals",
            "0018_report_context", "0020_constant_counts", "0021_report_youth_first", "0023_archived_spots_by_name"]
        assert migrations.pending(get_db()) == []


def test_older_database_is_refused_until_migrate_is_run(tmp_path):
    """A database made by an older version is refused (naming `migrate`) until `migrate` brings it up to date."""
    old = connect(tmp_path / "old.sqlite")
    migrations.apply(old, stop_before="0002_contact_corrections")
    old.close()
    app = create_app({"TESTING": True, "DATABASE": str(tmp_path / "old.sqlite"), "SECRET_KEY": "x"})
    with app.app_context(), pytest.raises(NotReady, match="flask --app outreach migrate"):
        get_db()
    for command in (["create-user", "beheerder", "--role", "admin"], ["purge"], ["rotate-key"]):
        result = app.test_cli_runner().invoke(args=command, input="een-heel-lang-wachtwoord\n" * 2)
        waiting = len(migrations.pending(connect(tmp_path / "old.sqlite")))  # All but the first.
        assert result.exit_code != 0 and f"wacht op {waiting} migratie(s)" in result.output, (command, result.output)
    result = app.test_cli_runner().invoke(args=["migrate"])
    assert result.exit_code == 0 and "0002_contact_corrections" in result.output, result.output
    with app.app_context():
        assert "replaced_by" in get_db()["contacts"].columns_dict and migrations.pending(get_db()) == []
    assert "Geen migraties te doen" in app.test_cli_runner().invoke(args=["migrate"]).output
    app.extensions["outreach.db"].close_all()


def test_no_command_but_init_db_makes_a_new_database(tmp_path):
    """A command pointed at a folder without a database refuses and leaves no file; init-db makes one."""
    app = create_app({"TESTING": True, "DATABASE": str(tmp_path / "nieuw.sqlite"), "SECRET_KEY": "x"})
    for command in (["migrate"], ["backup", str(tmp_path)], ["purge"], ["rotate-key"], ["seed-demo"]):
        result = app.test_cli_runner().invoke(args=command)
        assert result.exit_code != 0 and "Er is geen database" in result.output, (command, result.output)
        assert "init-db" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == []
    result = app.test_cli_runner().invoke(args=["init-db"])
    assert result.exit_code == 0 and (tmp_path / "nieuw.sqlite").exists()
    with app.app_context():
        assert migrations.pending(get_db()) == []
    app.extensions["outreach.db"].close_all()


def test_foreign_keys_enforced(app):
    """Foreign keys enforced."""
    with app.app_context(), pytest.raises(sqlite3.IntegrityError):
        get_db()["visits"].insert({"spot_id": 999, "worker_id": 1, "visited_at": "2026-01-01 20:00",
                                   "youths_present": 0})


def test_atomic_takes_write_lock_before_first_write(app):
    """BEGIN IMMEDIATE: a second writer is refused while the block only reads, so read-then-write is safe."""
    with app.app_context():
        db = get_db()
        other = sqlite3.connect(app.config["DATABASE"], timeout=0, isolation_level=None)
        with db.atomic():
            db.execute("select count(*) from users").fetchone()
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        other.close()


def test_atomic_rolls_back_everything(app, query):
    """Atomic rolls back everything."""
    with app.app_context():
        db = get_db()
        with pytest.raises(ZeroDivisionError):
            with db.atomic():
                db["meta"].insert({"key": "a", "value": "1"})
                with db.atomic():  # nested: a savepoint
                    db["meta"].insert({"key": "b", "value": "2"})
                1 / 0
    assert query("select * from meta") == []


def test_one_connection_per_thread(app):
    """One connection per thread."""
    with app.app_context():
        first = get_db()
        assert get_db() is first
        seen = []
        thread = threading.Thread(target=lambda: seen.append(app.app_context().__enter__() and get_db()))
        thread.start()
        thread.join()
        assert seen[0] is not first


def test_failed_request_leaves_no_open_transaction(app):
    """Failed request leaves no open transaction."""
    with app.test_request_context():
        db = get_db()
        db.execute("BEGIN")
        db["meta"].insert({"key": "half", "value": "1"})
        app.do_teardown_request()  # What Flask runs after every request, also a failed one.
    with app.app_context():
        assert not get_db().conn.in_transaction
        assert get_db()["meta"].count == 0


def test_invariant_4_audit_log_is_append_only(app):
    """Invariant 4 audit log is append only."""
    with app.app_context():
        db = get_db()
        db["audit_log"].insert({"at": "2026-01-01T00:00:00Z", "action": "view", "result": "ok"})
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            db.execute("update audit_log set action = 'x'")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            db.execute("delete from audit_log")
        assert db["audit_log"].count == 1


IDENTIFYING = ("name", "naam", "phone", "tel", "mobiel", "address", "adres", "straat", "postcode", "woonplaats",
               "birth", "geboor", "dob", "email", "mail", "bsn")
# Columns that may hold identifying details: the handoff (CJG needs them), the protected reporter,
# a spot's own name and an account's username.
ALLOWED_IDENTIFYING = {("handoffs", "full_name"), ("handoffs", "phone"), ("handoffs", "address"),
                       ("handoffs", "birth_date"), ("concern_reporters", "name"), ("spots", "name"),
                       ("users", "username"), ("_sqlite_migrations", "name"),
                       ("users", "full_name"),  # A staff member's name (admin, or the municipality's OpenID token).
                       ("users", "email")}  # A staff member's work address, optional (0016).


def test_invariant_1_no_identifying_columns_outside_handoffs(app):
    """Read the schema itself (database and reporter store): youths, contacts and visits have no name or phone."""
    found = set()
    for db in (connect(app.config["DATABASE"]), connect_store(path_for(app.config["DATABASE"]))):
        found |= {(table, column.name) for table in db.table_names() for column in db[table].columns
                  if any(word in column.name.lower() for word in IDENTIFYING)}
        db.close()
    assert found == ALLOWED_IDENTIFYING


def test_database_files_are_readable_by_the_owner_only(tmp_path):
    """Database files are readable by the owner only."""
    import stat
    db = connect(tmp_path / "nieuw.sqlite")
    db["t"].insert({"a": 1})
    store = connect_store(path_for(tmp_path / "nieuw.sqlite"))
    store.execute("begin immediate")
    store.execute("insert into concern_reporters (concern_id, name) values (1, 'x')")  # Opens the journal.
    for name in ("nieuw.sqlite", "nieuw.sqlite-wal", "nieuw-reporters.sqlite", "nieuw-reporters.sqlite-journal"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o600, name
    store.execute("commit")
    db.close()
    store.close()


def test_schema_names_follow_changes_from_another_connection(tmp_path):
    """The cached table and view names see a table or view another connection creates, and a dropped one go."""
    path = tmp_path / "names.sqlite"
    ours, other = connect(path), connect(path)
    assert ours.table_names() == [] and ours.view_names() == []
    other["spots_seen"].create({"id": int}, pk="id")
    other.create_view("recent", "select * from spots_seen")
    assert ours.table_names() == ["spots_seen"] and ours.view_names() == ["recent"]
    assert isinstance(ours["recent"], sqlite_utils.db.View) and ours["spots_seen"].exists()
    other["spots_seen"].drop()
    assert ours.table_names() == [] and not ours["spots_seen"].exists()
    ours.close()
    other.close()
