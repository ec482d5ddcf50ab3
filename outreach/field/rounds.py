"""Rondes: "Start ronde" / "Einde ronde". A round's start and end give the hours on the street (the report reads
ended rounds only), and the ED's presence is chosen once at its start and preset on every contact and visit of it."""
from datetime import datetime, timedelta

from flask import Blueprint, flash, redirect, request, url_for
from flask_login import current_user

from ..core import audit
from ..core.access import allow
from ..core.dates import now_local, shown, stamp
from ..core.db import get_db

bp = Blueprint("rounds", __name__, url_prefix="/rounds")

# A round still running after this long was forgotten: nobody walks a twelve-hour round (one shift at most, the
# same limit as the offline queue's).
FORGOTTEN_AFTER = timedelta(hours=12)
# The worker's running round, read off the index of running rounds (migration 0020): the header asks on every page.
RUNNING = "select * from rounds where worker_id = ? and ended_at is null order by started_at desc limit 1"


def last_entry(db, round_id):
    """The moment of the round's last contact or visit (local text), or None when it has none."""
    return db.execute("select max(at) from (select max(contacted_at) as at from contacts where round_id = ? "
                      "union all select max(visited_at) from visits where round_id = ?)",
                      [round_id, round_id]).fetchone()[0]


def close_forgotten(db, row, why):
    """End a round nobody ended, at its last entry (or at its start when it has none).

    Why there and not at 'now' or at start + 12 h: the report counts a round's length as hours on the street, and a
    forgotten tap must not add a night of hours that were never walked. The last entry is the last moment we know
    she was outside; a round with no entries counts as zero hours rather than a guess.
    """
    ended = max(filter(None, [last_entry(db, row["id"]), row["started_at"]]))
    # Only while it still runs: two requests that both found it forgotten end it once.
    if db.execute("update rounds set ended_at = ? where id = ? and ended_at is null", [ended, row["id"]]).rowcount:
        audit.record("round auto end", "round", row["id"], result=why, db=db)


def running(worker_id, db=None):
    """The worker's running round (a dict), or None; a forgotten one (over 12 h) is ended on the way."""
    db = db or get_db()
    row = next(iter(db.query(RUNNING, [worker_id])), None)
    if row and datetime.strptime(row["started_at"], "%Y-%m-%d %H:%M") < now_local() - FORGOTTEN_AFTER:
        with db.atomic():
            close_forgotten(db, row, "forgotten 12h")
        return None
    return row


def round_for_entry(value, worker_id):
    """The round id a form sent (hidden field), when it is one of this worker's rounds; else None.

    Taken from the form, not from 'the round running now': an entry kept offline during a round and sent after
    its end still belongs to that round.
    """
    text = str(value or "")
    if not text.isdigit() or len(text) > 18:
        return None
    row = get_db().execute("select id from rounds where id = ? and worker_id = ?", [int(text), worker_id]).fetchone()
    return row[0] if row else None


def presets(worker_id):
    """The values a new contact or visit form starts with during a round: its id and the ED's presence."""
    row = running(worker_id)
    return {"round_id": str(row["id"]), "ed_present": bool(row["ed_present"])} if row else {}


@bp.route("/start", methods=["POST"])
@allow("worker")
def start_round():
    """Start a round; a round still running (forgotten) is ended first, at its last entry."""
    db = get_db()
    with db.atomic():
        for row in db.query("select * from rounds where worker_id = ? and ended_at is null", [current_user.id]):
            close_forgotten(db, row, "new round started")
        round_id = db["rounds"].insert({
            "worker_id": current_user.id, "started_at": stamp(now_local()),
            "ed_present": int(request.form.get("ed_present") == "1"), "created_at": audit.utcnow()}).last_pk
        audit.record("round start", "round", round_id)
    flash("Ronde gestart" + (" met de ervaringsdeskundige." if request.form.get("ed_present") == "1" else "."),
          "round")
    return redirect(url_for("home.index"))


@bp.route("/end", methods=["POST"])
@allow("worker")
def end_round():
    """End the running round now; a second tap (no round running) changes nothing."""
    db = get_db()
    with db.atomic():
        row = running(current_user.id, db)
        if row:
            ended = max(stamp(now_local()), row["started_at"])
            db["rounds"].update(row["id"], {"ended_at": ended})
            audit.record("round end", "round", row["id"])
    flash("Ronde beëindigd." if row else "Er liep geen ronde.", "round")
    return redirect(url_for("home.index"))


def round_status():
    """For the templates: the worker's running round (start time and ED) or None."""
    if not (current_user.is_authenticated and current_user.role == "worker"):
        return None
    row = running(current_user.id)
    if row:  # The time alone on the day it started; the date too for a round that began yesterday.
        today = row["started_at"][:10] == stamp(now_local())[:10]
        row["since"] = row["started_at"][11:] if today else shown(row["started_at"])
    return row


def init_app(app):
    """Register the blueprint and the running round for the header."""
    app.register_blueprint(bp)
    app.add_template_global(round_status)
