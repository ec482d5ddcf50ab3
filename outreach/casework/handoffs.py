"""Overdrachten, the worker's side: hand a youth over to the CJG with consent, facts and a drafted summary."""
import uuid

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..core import audit
from ..core.access import allow
from ..core.crypto import unseal
from ..core.dates import shown
from ..core.db import Listed, get_db, get_or_404
from ..core.forms import arg_id
from ..core.youth import get_youth
from ..vocab import CONCERN_LEVEL, CONCERN_SOURCE, HANDOFF_STATUS, OPEN_CONCERN, OUTCOME, UNDER_16, URGENCY, kept, label
from . import messages
from .drafting import draft_summary, from_concern
from .handoff_form import HandoffForm
from .inbox import overdue_cutoff
from .sending import add_event, moment, notify_cjg, overdue, send, timeline

bp = Blueprint("handoffs", __name__, url_prefix="/handoffs")


@bp.route("/new", methods=["GET", "POST"])
@allow("worker")
def new_handoff():
    """Hand a youth over; the concerns that led to it are closed as handed over and their reporters erased."""
    youth_id = arg_id("youth")
    if not youth_id:
        return choose_youth()
    youth = get_youth(youth_id)
    open_concerns = list(get_db().query(
        "select id, received_at, source, level from concerns where youth_id = ? and status in (?, ?, ?) "
        "order by received_at", [youth["id"], *OPEN_CONCERN]))
    form = HandoffForm() if request.method == "POST" else HandoffForm(data={
        "stage": str(youth["stage"] or ""), "summary": draft_summary(youth),
        "concerns": [c["id"] for c in open_concerns], "submission": uuid.uuid4().hex,
        **from_concern(arg_id("concern"), [c["id"] for c in open_concerns])})
    form.under_16 = youth["age_band"] in UNDER_16
    form.concerns.choices = [(c["id"], f"{shown(c['received_at'][:10])} · {label(c['source'], CONCERN_SOURCE)} · "
                                      f"{label(c['level'], CONCERN_LEVEL)}") for c in open_concerns]
    if form.validate_on_submit():
        handoff_id, sent_now = send(youth, form)
        if handoff_id:
            if sent_now:
                notify_cjg()
                flash("Overdracht verzonden naar het CJG.", "success")
            return redirect(url_for("handoffs.show_handoff", handoff_id=handoff_id))
        form.concerns.errors.append("Kies alleen open meldingen van deze jongere.")
    audit.record("view", "youth", youth["id"], result="handoff form")
    return render_template("handoffs/form.html", form=form, youth=youth)


def choose_youth():
    """Which youth to hand over: by code, or one of those with open concerns."""
    code = request.args.get("code", "").strip().upper()[:12]
    if code:
        row = get_db().execute("select id from youths where code = ? and merged_into is null", [code]).fetchone()
        if row:
            return redirect(url_for("handoffs.new_handoff", youth=row[0]))
    youths = get_db().query(
        "select distinct y.id, y.code, y.alias, y.erased_at from youths y join concerns c on c.youth_id = y.id "
        "where y.merged_into is null and c.status in (?, ?, ?) order by y.code", list(OPEN_CONCERN))
    audit.record("view", "youth", None, result="handoff chooser")
    return render_template("handoffs/choose.html", youths=list(youths), code=code)


PAGE = 50


@bp.route("/")
@allow("worker")
def list_handoffs():
    """The team's handoffs, newest first, 50 a page (a keyset: `na` is the last one shown), with what is new."""
    after = request.args.get("na", "").split("|")
    keyset, params = "", [current_user.id]
    if len(after) == 2 and after[1].isdigit():
        keyset, params = "where (h.sent_at, h.id) < (?, ?) ", [current_user.id, after[0], int(after[1])]
    # New for the sender only: the CJG's messages and decisions after her last look (core/activity.py keeps them).
    cutoff = overdue_cutoff()  # sending.overdue for every row at once: sent before this and still unopened.
    rows = list(get_db().query(
        "select h.id, h.status, h.urgency, h.sent_at, h.outcome, h.closed_at, h.declined_at, y.code, y.alias, "
        "y.erased_at, h.worker_id = ? and h.worker_news_at > coalesce(h.worker_seen_at, '') as new_events "
        "from handoffs h join youths y on y.id = h.youth_id " + keyset  # nosec B608 - fixed text
        + "order by h.sent_at desc, h.id desc limit ?", [*params, PAGE + 1]))
    more = f"{rows[PAGE - 1]['sent_at']}|{rows[PAGE - 1]['id']}" if len(rows) > PAGE else None
    audit.record("view", "handoff", None, result="list")
    return render_template("handoffs/list.html", handoffs=as_shown(rows[:PAGE], cutoff), more=more,
                           first=not keyset)


def as_shown(rows, cutoff):
    """The rows as the list prints them, each row's words and moments put together once (see inbox.as_shown)."""
    shown_rows = []
    for h in rows:
        facts = [f"verzonden {shown(h['sent_at'])}", f"urgentie {label(h['urgency'], URGENCY)}"]
        if h["outcome"]:
            facts.append(label(h["outcome"], OUTCOME))
        shown_rows.append(Listed(**h, alias_shown=kept(h["alias"], h["erased_at"]),
                                 status_label=label(h["status"], HANDOFF_STATUS), facts=" · ".join(facts),
                                 overdue=h["status"] == "sent" and h["sent_at"] < cutoff))
    return shown_rows


@bp.route("/<int:handoff_id>")
@allow("worker")
def show_handoff(handoff_id, reply=None):
    """One handoff with its timeline and the thread with the CJG; opening it marks what is new as seen."""
    handoff = unseal("handoffs", get_or_404("handoffs", "id = ?", [handoff_id]))
    db = get_db()
    with db.atomic():
        if handoff["worker_id"] == current_user.id:  # News is the sender's; a colleague's look does not clear it.
            db["handoffs"].update(handoff_id, {"worker_seen_at": moment()})
        audit.record("view", "handoff", handoff_id, db=db)
    events = timeline(handoff_id)
    if reply is None and handoff["status"] in messages.WORKER_MAY_WRITE:
        reply = messages.ReplyForm(prefix="reply", formdata=None).hold(handoff)
    return render_template("handoffs/show.html", handoff=handoff, youth=db["youths"].get(handoff["youth_id"]),
                           events=events, messages=messages.thread(events), reply=reply, overdue=overdue(handoff),
                           print_view=False)


@bp.route("/<int:handoff_id>/bericht", methods=["POST"])
@allow("worker")
def reply(handoff_id):
    """The worker writes to the CJG on a running handoff; the CJG's inbox shows it as a new message."""
    handoff = unseal("handoffs", get_or_404("handoffs", "id = ?", [handoff_id]))
    if handoff["status"] not in messages.WORKER_MAY_WRITE:
        flash(f"De overdracht is {label(handoff['status'], HANDOFF_STATUS)}; een bericht kan niet meer.", "error")
        return redirect(url_for("handoffs.show_handoff", handoff_id=handoff_id))
    form = messages.ReplyForm(prefix="reply").hold(handoff)
    if not form.ready():
        return show_handoff(handoff_id, reply=form)
    db = get_db()
    with db.atomic():
        add_event(db, handoff_id, "reply", None, form.text.data.strip())
        if handoff["worker_id"] == current_user.id:  # Her own message is no news to her.
            db["handoffs"].update(handoff_id, {"worker_seen_at": moment()})
        audit.record("message", "handoff", handoff_id, result="to cjg", db=db)
    flash("Bericht verstuurd naar het CJG.", "success")
    return redirect(url_for("handoffs.show_handoff", handoff_id=handoff_id, _anchor="berichten"))


def init_app(app):
    """Register the blueprint."""
    app.register_blueprint(bp)
