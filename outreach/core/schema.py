"""The schema as numbered sqlite-utils migrations; a change to a table is always a new migration.

Times: moments the worker experiences (contacted_at, visited_at, received_at) are local wall-clock
text 'YYYY-MM-DD HH:MM' (Europe/Amsterdam), because rounds are planned by local weekday and hour;
system stamps (created_at, audit) are UTC ISO text ending in 'Z'.
"""
from sqlite_utils import Migrations

migrations = Migrations("straatwerk")


def _table(db, name, columns, fks=(), pk="id", not_null=(), defaults=None):
    """Create one table with foreign keys, NOT NULL columns and defaults."""
    db[name].create(columns, pk=pk, foreign_keys=list(fks), not_null=set(not_null), defaults=defaults or {})


@migrations(name="0001_initial")
def initial(db):
    """Accounts, field data, concerns, handoffs and the append-only audit log."""
    _table(db, "meta", {"key": str, "value": str}, pk="key")
    _table(db, "users", {
        "id": int, "username": str, "password_hash": str, "role": str, "active": int,
        "session_token": str, "must_change_password": int, "created_at": str,
        "password_changed_at": str, "last_login_at": str,
    }, not_null=("username", "password_hash", "role", "active", "session_token"),
        defaults={"active": 1, "must_change_password": 0})  # nosec B105 - a column default
    db["users"].create_index(["username"], unique=True)

    _table(db, "spots", {
        "id": int, "name": str, "kind": str, "lat": float, "lon": float, "description": str,
        "first_identified": str, "archived_at": str, "created_by": int, "created_at": str,
    }, fks=[("created_by", "users", "id")], not_null=("name", "kind", "lat", "lon"))

    # A youth is a code plus an alias: no column for a name, address or phone (invariant 1).
    _table(db, "youths", {
        "id": int, "code": str, "alias": str, "age_band": str, "gender": str, "stage": int,
        "risk_signals": str, "created_by": int, "created_at": str, "merged_into": int,
    }, fks=[("created_by", "users", "id"), ("merged_into", "youths", "id")],
        not_null=("code", "age_band", "gender"), defaults={"risk_signals": "[]"})
    db["youths"].create_index(["code"], unique=True)
    _table(db, "youth_stages", {
        "id": int, "youth_id": int, "stage": int, "set_by": int, "set_at": str,
    }, fks=[("youth_id", "youths", "id"), ("set_by", "users", "id")],
        not_null=("youth_id", "stage", "set_at"))

    _table(db, "visits", {
        "id": int, "spot_id": int, "worker_id": int, "visited_at": str, "youths_present": int,
        "use_seen": int, "dealing_seen": int, "atmosphere": str, "ed_present": int, "note": str,
        "created_at": str,
    }, fks=[("spot_id", "spots", "id"), ("worker_id", "users", "id")],
        not_null=("spot_id", "worker_id", "visited_at", "youths_present"),
        defaults={"use_seen": 0, "dealing_seen": 0, "ed_present": 0})

    _table(db, "contacts", {
        "id": int, "worker_id": int, "spot_id": int, "lat": float, "lon": float,
        "contacted_at": str, "kind": str, "youths_present": int, "topics": str, "substances": str,
        "ed_present": int, "duration_min": int, "note": str, "created_at": str,
    }, fks=[("worker_id", "users", "id"), ("spot_id", "spots", "id")],
        not_null=("worker_id", "contacted_at", "kind", "youths_present"),
        defaults={"topics": "[]", "substances": "[]", "ed_present": 0})
    _table(db, "contact_youths", {"contact_id": int, "youth_id": int},
           fks=[("contact_id", "contacts", "id"), ("youth_id", "youths", "id")],
           pk=("contact_id", "youth_id"))

    _table(db, "concerns", {
        "id": int, "youth_id": int, "recorded_by": int, "received_at": str, "source": str,
        "worry": str, "facts": str, "level": str, "status": str, "close_reason": str,
        "reporter_informed": int, "first_contact_at": str, "closed_at": str, "created_at": str,
    }, fks=[("youth_id", "youths", "id"), ("recorded_by", "users", "id")],
        not_null=("youth_id", "recorded_by", "received_at", "source", "level", "status"),
        defaults={"status": "nieuw", "reporter_informed": 0})
    # Reporter details live apart so that closing a concern can delete them outright (invariant 2).
    _table(db, "concern_reporters", {"concern_id": int, "name": str, "reach": str},
           fks=[("concern_id", "concerns", "id")], pk="concern_id")

    # The only place where identifying details of a youth may be stored (invariant 1).
    _table(db, "handoffs", {
        "id": int, "youth_id": int, "worker_id": int, "reason": str, "facts": str, "stage": int,
        "urgency": str, "consent": str, "parents_informed": int, "sharing_ground": str,
        "full_name": str, "birth_date": str, "phone": str, "address": str, "summary": str,
        "warm_handoff_at": str, "status": str, "assigned_to": int, "decline_reason": str,
        "outcome": str, "sent_at": str, "received_at": str, "accepted_at": str,
        "declined_at": str, "closed_at": str,
    }, fks=[("youth_id", "youths", "id"), ("worker_id", "users", "id"), ("assigned_to", "users", "id")],
        not_null=("youth_id", "worker_id", "reason", "facts", "urgency", "consent", "status", "sent_at"),
        defaults={"status": "verzonden"})
    _table(db, "handoff_concerns", {"handoff_id": int, "concern_id": int},
           fks=[("handoff_id", "handoffs", "id"), ("concern_id", "concerns", "id")],
           pk=("handoff_id", "concern_id"))
    _table(db, "handoff_events", {
        "id": int, "handoff_id": int, "at": str, "actor_id": int, "kind": str, "status": str,
        "text": str,
    }, fks=[("handoff_id", "handoffs", "id"), ("actor_id", "users", "id")],
        not_null=("handoff_id", "at", "kind"))

    _table(db, "audit_log", {
        "id": int, "at": str, "actor_id": int, "actor_role": str, "action": str,
        "object_type": str, "object_id": str, "result": str, "origin": str,
    }, not_null=("at", "action", "result"))
    # Append-only: the database itself refuses to rewrite history (invariant 4).
    db.execute(
        "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
        "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
    )
    db.execute(
        "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
        "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
    )

    for table, columns in [
        ("contacts", ["contacted_at"]), ("contacts", ["spot_id", "contacted_at"]),
        ("contact_youths", ["youth_id"]), ("visits", ["spot_id", "visited_at"]),
        ("youth_stages", ["youth_id", "set_at"]), ("concerns", ["youth_id"]),
        ("concerns", ["status"]), ("handoffs", ["status"]), ("handoffs", ["youth_id"]),
        ("handoff_events", ["handoff_id", "at"]), ("audit_log", ["at"]),
    ]:
        db[table].create_index(columns)


@migrations(name="0002_contact_corrections")
def contact_corrections(db):
    """After 24 hours a contact is corrected by a new row; the original stays, pointing to its replacement."""
    db["contacts"].add_column("corrects_id", int)
    db["contacts"].add_column("replaced_by", int)
    db["contacts"].create_index(["worker_id", "contacted_at"])


@migrations(name="0003_handoff_seen")
def handoff_seen(db):
    """When the worker last looked at a handoff, so new CJG feedback can be counted on her navigation."""
    db["handoffs"].add_column("worker_seen_at", str)


@migrations(name="0004_handoff_submission")
def handoff_submission(db):
    """One id per opened handoff form, so a double tap or a retried send makes exactly one handoff."""
    db["handoffs"].add_column("submission", str)
    db["handoffs"].create_index(["submission"], unique=True)


@migrations(name="0005_report")
def report(db):
    """Monthly roll-ups kept by triggers (the report's counts at any size), its indexes, and the worker's insights."""
    from . import rollups  # Imported here: the roll-up SQL is long and only this migration needs it.

    rollups.install(db)
    # Covering indexes: the report's concern and handoff figures are read from these without the tables.
    db["concerns"].create_index(["received_at", "source", "level", "youth_id", "first_contact_at"])
    db["handoffs"].create_index(["sent_at", "youth_id", "received_at", "accepted_at"])
    # The report looks up each youth's first and latest stage: an index that answers without the table.
    db["youth_stages"].create_index(["youth_id", "set_at", "id", "stage"])
    # The worker's narrative for one report period (whole months, 'YYYY-MM' to 'YYYY-MM').
    _table(db, "insights", {
        "id": int, "period_from": str, "period_to": str, "text": str, "updated_by": int, "updated_at": str,
        "created_at": str,
    }, fks=[("updated_by", "users", "id")], not_null=("period_from", "period_to", "text"))
    db["insights"].create_index(["period_from", "period_to"], unique=True)


@migrations(name="0006_retention")
def retention(db):
    """A youth's erasure moment, and an audit log that lets go of rows only past their retention term."""
    db["youths"].add_column("erased_at", str)
    # Still append-only: a delete is refused unless `purge` has written, inside its own transaction, a cutoff
    # the row is older than (retention of the log itself, default five years).
    db.execute("DROP TRIGGER audit_log_no_delete")
    db.execute(
        "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
        "WHEN OLD.at >= coalesce((SELECT value FROM meta WHERE key = 'audit_delete_before'), '') "
        "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
    )


@migrations(name="0007_security")
def security(db):
    """Second factor (TOTP secret, last used time step, hashed recovery codes) and login-failure counters."""
    # totp_secret is set when enrolment starts; totp_enrolled_at once the first code confirmed it.
    # totp_last_step: the newest 30-second step whose code was accepted, so no code works twice.
    db["users"].add_column("totp_secret", str)
    db["users"].add_column("totp_enrolled_at", str)
    db["users"].add_column("totp_last_step", int)
    _table(db, "recovery_codes", {"id": int, "user_id": int, "code_hash": str, "created_at": str, "used_at": str},
           fks=[("user_id", "users", "id")], not_null=("user_id", "code_hash", "created_at"))
    db["recovery_codes"].create_index(["user_id", "used_at"])
    # One row per failed login step, for the account name as typed and for the client IP (scope 'account'/'ip').
    _table(db, "login_failures", {"id": int, "scope": str, "key": str, "at": float},
           not_null=("scope", "key", "at"))
    db["login_failures"].create_index(["scope", "key", "at"])
    db["login_failures"].create_index(["at"])


@migrations(name="0008_report_indexes")
def report_indexes(db):
    """Indexes that let the report group by spot and look up a youth's handoffs without touching the tables."""
    db["handoffs"].create_index(["youth_id", "accepted_at", "outcome"])
    db["report_visits"].create_index(["spot_id", "month", "visits"])
    db["report_reach"].create_index(["spot_id", "year", "months", "youth_id"])


@migrations(name="0009_client_ids")
def client_ids(db):
    """The phone's own id per contact and visit, with a fingerprint, so a resent entry is saved once."""
    for table in ("contacts", "visits"):
        db[table].add_column("client_id", str)
        db[table].add_column("client_hash", str)
        db[table].create_index(["client_id"], unique=True)


@migrations(name="0010_reporters_apart")
def reporters_apart(db):
    """Reporter details leave this WAL database for their own rollback-journal file (outreach/reporters.py).

    The rows are copied as stored (sealed), the table is dropped (secure_delete overwrites its pages), and
    the database's WAL is folded right after the migrations ran (meta 'fold_wal') so the file keeps no old page.
    """
    from . import reporters  # Imported here: only this migration needs it.

    reporters.move_from_main(db)
    db["concern_reporters"].drop()
    db.execute("insert or replace into meta (key, value) values ('fold_wal', '1')")


@migrations(name="0011_seal_plain_values")
def seal_plain_values(db):
    """Seal what earlier releases kept in clear (second-factor secrets, text from before encryption) under the key."""
    from . import crypto, rotation  # Here: they need the app (its key file), which only a command's migration has.

    plain = " union all ".join(
        f"select 1 from (select 1 from {table} where {column} not like 'v1:%' limit 1)"  # nosec B608 - names only
        for table, columns in crypto.ENCRYPTED.items() for column in columns)
    if db.execute(plain).fetchone():  # A database without plain values needs no key file (yet).
        rotation.reseal(db, crypto.keyring()[0])


@migrations(name="0012_stable_codes")
def stable_codes(db):
    """Stored values become the stable codes of vocab.py (labels are wording, shown only); report figures stay equal.

    The roll-up triggers go first, so rewriting contacts and youths moves no count; the roll-ups' own copies of
    substances, age bands and genders are rewritten in place (never recounted: a purge has cut links they keep).
    """
    from . import recode, rollups  # Imported here: only this migration needs them.

    rollups.drop_triggers(db)
    recode.relabel(db)
    rollups.create_triggers(db)
    db["concerns"].transform(defaults={"status": "new", "reporter_informed": 0})
    db["handoffs"].transform(defaults={"status": "sent"})


@migrations(name="0013_oidc")
def oidc(db):
    """Accounts from the municipality's OpenID provider: the full name, and the issuer + subject they are matched on."""
    db["users"].add_column("full_name", str)
    # Matched on issuer + sub only (never the e-mail address): a renamed or reused address never opens another account.
    _table(db, "oidc_accounts", {"issuer": str, "subject": str, "user_id": int, "created_at": str},
           fks=[("user_id", "users", "id")], pk=("issuer", "subject"), not_null=("user_id", "created_at"))
    db["oidc_accounts"].create_index(["user_id"], unique=True)


@migrations(name="0014_activity")
def activity_columns(db):
    """Each youth and spot carries its own last activity and counts (kept by triggers): lists cost the same at any size."""
    from . import activity  # Imported here: only this migration needs the trigger SQL.

    activity.install(db)


@migrations(name="0015_rounds")
def rounds(db):
    """A round on the street: its start and end give the hours outside, and the ED's presence is set once for it."""
    # ended_at stays empty while the round runs; the report counts a round's hours once it has ended.
    _table(db, "rounds", {
        "id": int, "worker_id": int, "started_at": str, "ended_at": str, "ed_present": int, "created_at": str,
    }, fks=[("worker_id", "users", "id")], not_null=("worker_id", "started_at", "ed_present", "created_at"),
        defaults={"ed_present": 0})
    db["rounds"].create_index(["worker_id", "started_at"])
    db["rounds"].create_index(["started_at", "ended_at", "ed_present"])
    # Which round an entry was made in (empty outside a round). Plain ALTER: sqlite-utils would rebuild the
    # table for the foreign key, and a rebuild drops the roll-up and activity triggers.
    for table in ("contacts", "visits"):
        db.execute(f"ALTER TABLE {table} ADD COLUMN round_id INTEGER REFERENCES rounds(id)")  # nosec B608 - names


@migrations(name="0016_people_and_messages")
def people_and_messages(db):
    """Accounts get an e-mail address; a handoff knows when the worker last wrote and when the CJG last looked;
    the CJG inbox and the worker's list read their pages straight off indexes."""
    db["users"].add_column("email", str)
    # Plain ALTERs (no foreign key, no rebuild): a rebuild of handoffs would drop the activity trigger on it.
    for column in ("cjg_news_at", "cjg_seen_at"):
        db.execute(f"ALTER TABLE handoffs ADD COLUMN {column} TEXT")  # nosec B608 - names from this line
    # The worker's messages (events of kind 'reply') as the CJG's badge counts them: like worker_news_at in 0014.
    db.execute("CREATE TRIGGER activity_handoff_reply AFTER INSERT ON handoff_events WHEN NEW.kind = 'reply' "
               "BEGIN UPDATE handoffs SET cjg_news_at = max(coalesce(cjg_news_at, ''), NEW.at) "
               "WHERE id = NEW.handoff_id; END")
    db.execute("CREATE INDEX handoffs_cjg_unseen ON handoffs (assigned_to) WHERE cjg_news_at > coalesce(cjg_seen_at, '')")
    # The inbox's groups in their order (urgency codes sort acute < high < normal), all and per assignee.
    db["handoffs"].create_index(["status", "urgency", "sent_at", "id"])
    db["handoffs"].create_index(["assigned_to", "status", "urgency", "sent_at", "id"])
    # The finished tab, newest first (all, and per assignee): an index on the moment it ended, for those rows only.
    # Without statistics the planner prefers idx_handoffs_status and sorts; the inbox names these (INDEXED BY).
    db.execute("CREATE INDEX handoffs_finished ON handoffs (coalesce(closed_at, declined_at) DESC, id DESC) "
               "WHERE status IN ('closed', 'declined')")
    db.execute("CREATE INDEX handoffs_finished_mine ON handoffs (assigned_to, coalesce(closed_at, declined_at) DESC, "
               "id DESC) WHERE status IN ('closed', 'declined')")
    # The worker's list, newest first, a page at a time: (sent_at, rowid) is exactly its order and keyset.
    db["handoffs"].create_index(["sent_at"])


@migrations(name="0017_report_signals")
def report_signals(db):
    """Roll-ups of topics, use and dealing seen at hangplekken, and risk signals (kept by triggers, filled once here)."""
    from . import signals  # Imported here: only this migration needs the trigger SQL.

    signals.install(db)


@migrations(name="0018_report_context")
def report_context(db):
    """The GGD figures and inhabitants per age band the admin enters for the report's estimate of the group."""
    from .context import TABLE  # The columns live beside the code that reads and writes them.

    db.execute(TABLE)


@migrations(name="0020_constant_counts")
def constant_counts(db):
    """What every worker page or the map page counts, read in constant time: the running round from an index of
    running rounds (the worker's ended rounds were scanned, newest first, to find none), and the number of active
    and archived spots from a total kept by triggers (a count walked the index of every spot)."""
    # IF NOT EXISTS: a bench database (/tmp/straatwerk-bench) may hold the index from an earlier cut of this migration.
    db.execute("CREATE INDEX IF NOT EXISTS rounds_running ON rounds (worker_id, started_at) WHERE ended_at IS NULL")
    _table(db, "spot_totals", {"archived": int, "spots": int}, pk="archived", not_null=("spots",))
    db.execute("INSERT INTO spot_totals (archived, spots) VALUES (0, (SELECT count(*) FROM spots WHERE archived_at "
               "IS NULL)), (1, (SELECT count(*) FROM spots WHERE archived_at IS NOT NULL))")
    for sql in SPOT_TOTALS:
        db.execute(sql)


# archived is 0 or 1 (SQLite's value of `archived_at IS NOT NULL`); a spot moves when it is archived or restored.
SPOT_TOTALS = (
    "CREATE TRIGGER spot_totals_insert AFTER INSERT ON spots BEGIN "
    "UPDATE spot_totals SET spots = spots + 1 WHERE archived = (NEW.archived_at IS NOT NULL); END",
    "CREATE TRIGGER spot_totals_delete AFTER DELETE ON spots BEGIN "
    "UPDATE spot_totals SET spots = spots - 1 WHERE archived = (OLD.archived_at IS NOT NULL); END",
    "CREATE TRIGGER spot_totals_update AFTER UPDATE OF archived_at ON spots "
    "WHEN (OLD.archived_at IS NULL) != (NEW.archived_at IS NULL) BEGIN "
    "UPDATE spot_totals SET spots = spots - 1 WHERE archived = (OLD.archived_at IS NOT NULL); "
    "UPDATE spot_totals SET spots = spots + 1 WHERE archived = (NEW.archived_at IS NOT NULL); END",
)


@migrations(name="0021_report_youth_first")
def report_youth_first(db):
    """Per youth, the first month, the ED in it, the first help from then on and the first handoff (kept by triggers)."""
    from . import youth_first  # Imported here: only this migration needs the trigger SQL.

    youth_first.install(db)


@migrations(name="0023_archived_spots_by_name")
def archived_spots_by_name(db):
    """The archive page reads archived spots by name off their own index: without it every spot was read and the
    archived ones sorted, so the page grew with the spots that are still in use."""
    db.execute("CREATE INDEX spots_archived_by_name ON spots (name) WHERE archived_at IS NOT NULL")
