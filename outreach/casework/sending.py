"""A handoff's way to the CJG and its timeline: storing it in one transaction, the e-mail nudge, events, overdue."""
import smtplib
import ssl
from datetime import datetime, timedelta
from email.message import EmailMessage

from flask import current_app
from flask_login import current_user

from ..core import audit, reporters
from ..core.crypto import seal, unseal
from ..core.dates import LOCAL, now_local, stamp
from ..core.db import get_db
from ..vocab import CONCERN_STATUS, OPEN_CONCERN, label


def send(youth, form):
    """Store the handoff, link and close its concerns, erase their reporters, and log it: one transaction.

    Returns (id, True) when sent now, (id, False) when this form was already sent (a double tap), and
    (None, False) when a chosen concern is no longer an open concern of this youth.
    """
    db = get_db()
    now = stamp(now_local())
    concern_ids = list(form.concerns.data or [])
    with db.atomic():
        sent = db.execute("select id from handoffs where submission = ?", [form.submission.data]).fetchone()
        if sent:
            return sent[0], False
        still_open = {r[0] for r in db.execute(
            "select id from concerns where youth_id = ? and status in (?, ?, ?)", [youth["id"], *OPEN_CONCERN])}
        if not set(concern_ids) <= still_open:
            return None, False
        handoff_id = db["handoffs"].insert(seal("handoffs", {
            "youth_id": youth["id"], "worker_id": current_user.id, "reason": form.reason.data.strip(),
            "facts": form.facts.data.strip(), "stage": int(form.stage.data), "urgency": form.urgency.data,
            "consent": form.consent.data, "sharing_ground": (form.sharing_ground.data or "").strip() or None,
            "parents_informed": {"yes": 1, "no": 0}.get(form.parents_informed.data),
            "full_name": form.full_name.data.strip(),
            "birth_date": form.birth_date.data.isoformat() if form.birth_date.data else None,
            "phone": (form.phone.data or "").strip() or None, "address": (form.address.data or "").strip() or None,
            "summary": form.summary.data.strip(),
            "warm_handoff_at": stamp(form.warm_handoff_at.data) if form.warm_handoff_at.data else None,
            "status": "sent", "sent_at": now, "worker_seen_at": moment(), "submission": form.submission.data,
        })).last_pk
        for concern_id in concern_ids:
            db["handoff_concerns"].insert({"handoff_id": handoff_id, "concern_id": concern_id})
            db["concerns"].update(concern_id, {"status": "handed_over", "closed_at": now})
            audit.record("update", "concern", concern_id, result=label("handed_over", CONCERN_STATUS), db=db)
        add_event(db, handoff_id, "status", "sent")
        audit.record("create", "handoff", handoff_id, db=db)
        # Last before the commit, and committed before it: if only the commit fails, the reporter is gone anyway.
        reporters.erase(db, concern_ids)
    return handoff_id, True


def moment():
    """Local time to the microsecond: feedback given right after the worker looked must still count as new."""
    return datetime.now(LOCAL).strftime("%Y-%m-%d %H:%M:%S.%f")


def notify_cjg():
    """E-mail the CJG team that a handoff waits, with no personal data at all; off without SMTP_HOST."""
    config = current_app.config
    if not (config["SMTP_HOST"] and config["CJG_TEAM_EMAIL"]):
        return
    message = EmailMessage()
    message["Subject"] = "Nieuwe overdracht in Straatwerk"
    message["From"], message["To"] = config["SMTP_FROM"], config["CJG_TEAM_EMAIL"]
    message.set_content("Er staat een nieuwe overdracht klaar in Straatwerk.\n\nLog in om hem te openen.")
    try:
        with smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=10) as smtp:
            if config["SMTP_STARTTLS"]:
                smtp.starttls(context=ssl.create_default_context())
            if config["SMTP_USER"]:
                smtp.login(config["SMTP_USER"], config["SMTP_PASSWORD"])
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        # The handoff is saved and shows in the inbox; the e-mail is only a nudge.
        current_app.logger.warning("CJG-notificatie niet verstuurd: %s", type(error).__name__)


def add_event(db, handoff_id, kind, status=None, text=None):
    """One timestamped line in a handoff's timeline, by the current user."""
    db["handoff_events"].insert(seal("handoff_events", {
        "handoff_id": handoff_id, "at": moment(), "actor_id": current_user.id, "kind": kind, "status": status,
        "text": text}))


def timeline(handoff_id):
    """The handoff's events, oldest first, with who did them (name, login name and role)."""
    return [unseal("handoff_events", r) for r in get_db().query(
        "select e.*, u.username, u.full_name, u.role from handoff_events e left join users u on u.id = e.actor_id "
        "where e.handoff_id = ? order by e.at, e.id", [handoff_id])]


def overdue(handoff, now=None):
    """True when a sent handoff was not opened within HANDOFF_OVERDUE_WORKDAYS working days."""
    if handoff["status"] != "sent":
        return False
    day, now = datetime.strptime(handoff["sent_at"][:10], "%Y-%m-%d").date(), (now or now_local()).date()
    workdays = 0
    while day < now:
        day += timedelta(days=1)
        workdays += day.weekday() < 5
    return workdays > current_app.config["HANDOFF_OVERDUE_WORKDAYS"]
