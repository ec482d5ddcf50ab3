"""The CJG inbox: receive handoffs, take them on or decline, give feedback, close with an outcome, print."""
from itertools import groupby
from operator import itemgetter

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length

from ..core import audit
from ..core.access import allow
from ..core.crypto import seal, unseal
from ..core.db import get_db, get_or_404
from ..core.dates import now_local, stamp
from ..core.forms import Form
from ..vocab import HANDOFF_STATUS, OUTCOME, choices, label, person
from . import inbox as inbox_lists
from .sending import add_event, moment, timeline
from .messages import FeedbackForm, thread

bp = Blueprint("cjg", __name__, url_prefix="/cjg")
# Which action may be taken in which status.
ALLOWED = {"accept": ("received",), "decline": ("received",), "feedback": ("received", "accepted"),
           "close": ("accepted",)}


class AcceptForm(Form):
    """Take the handoff on, assigned to a named CJG employee."""
    assigned_to = SelectField("Toegewezen aan", coerce=int, validators=[DataRequired("Kies een medewerker.")])


class DeclineForm(Form):
    """Decline, always with a reason."""
    decline_reason = StringField("Reden", validators=[DataRequired("Geef een reden om af te wijzen."), Length(max=300)])


class CloseForm(Form):
    """Close with an outcome."""
    outcome = SelectField("Uitkomst", choices=choices(OUTCOME, "Kies de uitkomst"),
                          validators=[DataRequired("Kies de uitkomst.")])


FORMS = {"accept": AcceptForm, "decline": DeclineForm, "feedback": FeedbackForm, "close": CloseForm}


def cjg_staff():
    """Active CJG employees to assign a handoff to, by name."""
    return [(r["id"], person(r["full_name"], r["username"])) for r in get_db().query(
        "select id, username, full_name from users where role = 'cjg' and active = 1 "
        "order by coalesce(full_name, username)")]


@bp.route("/")
@allow("cjg")
def inbox():
    """What needs action first (overdue, new, received), then the cases in hand; finished ones in their own tab."""
    status = inbox_lists.status_code(request.args.get("status"))
    if request.args.get("status") and request.args["status"] != status:
        # An older link with the Dutch label (?status=verzonden): the same list under its stable address.
        return redirect(url_for("cjg.inbox", **{**request.args.to_dict(), "status": status or None}))
    tab = "afgerond" if status in inbox_lists.FINISHED else request.args.get("tab", "open")
    tab = tab if tab in inbox_lists.TABS else "open"
    mine = current_user.id if request.args.get("mijn") == "1" else None
    if tab == "open":
        after = inbox_lists.parse_cursor(request.args.get("na"), 4)
        rows, more = inbox_lists.open_page(mine, status, after)
    else:
        after = inbox_lists.parse_cursor(request.args.get("na"), 2)
        rows, more = inbox_lists.finished_page(mine, status, after)
    audit.record("view", "handoff", None, result="inbox")
    rows = inbox_lists.as_shown(rows)
    sections = [(heading, list(group)) for heading, group in groupby(rows, key=itemgetter("heading"))]
    return render_template("cjg/inbox.html", sections=sections, status=status, statuses=HANDOFF_STATUS, tab=tab,
                           tabs=inbox_lists.TABS, mine=bool(mine), more=more, first=not after,
                           waiting=inbox_lists.waiting(mine))


def forms_for(handoff):
    """The action forms that fit the handoff's status."""
    forms = {name: cls(prefix=name) for name, cls in FORMS.items() if handoff["status"] in ALLOWED[name]}
    if "feedback" in forms:
        forms["feedback"].hold(handoff)
    if "accept" in forms:
        forms["accept"].assigned_to.choices = cjg_staff()
        forms["accept"].assigned_to.data = forms["accept"].assigned_to.data or current_user.id
    return forms


def mark_received(handoff_id, how="ok"):
    """Read a handoff as the CJG (audited); the first read, on screen or on paper, makes it received. The worker's
    new messages count as read once the assigned employee (or, before anyone is, a colleague) opened it."""
    db = get_db()
    with db.atomic():
        handoff = get_or_404("handoffs", "id = ?", [handoff_id])
        if handoff["status"] == "sent":
            db["handoffs"].update(handoff_id, {"status": "received", "received_at": stamp(now_local())})
            add_event(db, handoff_id, "status", "received")
            handoff = db["handoffs"].get(handoff_id)
        if how == "ok" and handoff["assigned_to"] in (None, current_user.id):
            db["handoffs"].update(handoff_id, {"cjg_seen_at": moment()})
        audit.record("view", "handoff", handoff_id, result=how, db=db)
    return unseal("handoffs", handoff)


@bp.route("/<int:handoff_id>")
@allow("cjg")
def open_handoff(handoff_id):
    """One handoff; the first time a CJG user opens it, it becomes received."""
    handoff = mark_received(handoff_id)
    db = get_db()
    events = timeline(handoff_id)
    return render_template("cjg/show.html", handoff=handoff, events=events, messages=thread(events),
                           forms=forms_for(handoff), youth=db["youths"].get(handoff["youth_id"]))


@bp.route("/<int:handoff_id>/<any(accept, decline, feedback, close):action>", methods=["POST"])
@allow("cjg")
def act(handoff_id, action):
    """Accept, decline, give feedback or close; each only from the statuses where it makes sense."""
    db = get_db()
    handoff = unseal("handoffs", get_or_404("handoffs", "id = ?", [handoff_id]))
    if handoff["status"] not in ALLOWED[action]:
        flash(f"Dat kan niet: de overdracht is {label(handoff['status'], HANDOFF_STATUS)}.", "error")
        return redirect(url_for("cjg.open_handoff", handoff_id=handoff_id))
    forms = forms_for(handoff)
    form = forms[action]
    if not (form.ready() if action == "feedback" else form.validate_on_submit()):
        problem = "ongeldig" if form.errors else "waarschuwing"  # Bad input, or the personal-data warning.
        audit.record("view", "handoff", handoff_id, result=f"{action}: {problem}")
        events = timeline(handoff_id)
        return render_template("cjg/show.html", handoff=handoff, events=events, messages=thread(events), forms=forms,
                               youth=db["youths"].get(handoff["youth_id"])), 200
    now = stamp(now_local())
    with db.atomic():
        # Checked again inside the write lock: a colleague may have acted on it a moment ago.
        if db["handoffs"].get(handoff_id)["status"] not in ALLOWED[action]:
            flash("Een collega heeft deze overdracht net behandeld; bekijk de nieuwe stand.", "error")
            return redirect(url_for("cjg.open_handoff", handoff_id=handoff_id))
        if action == "accept":
            db["handoffs"].update(handoff_id, {"status": "accepted", "accepted_at": now,
                                               "assigned_to": form.assigned_to.data})
            add_event(db, handoff_id, "status", "accepted", dict(cjg_staff()).get(form.assigned_to.data))
        elif action == "decline":
            db["handoffs"].update(handoff_id, seal("handoffs", {
                "status": "declined", "declined_at": now, "decline_reason": form.decline_reason.data.strip()}))
            add_event(db, handoff_id, "status", "declined", form.decline_reason.data.strip())
        elif action == "feedback":
            add_event(db, handoff_id, "feedback", None, form.text.data.strip())
            audit.record("message", "handoff", handoff_id, result="to worker", db=db)
        else:
            db["handoffs"].update(handoff_id, {"status": "closed", "closed_at": now, "outcome": form.outcome.data})
            # The event's text is what the timeline says: the outcome in words, as written at the time.
            add_event(db, handoff_id, "status", "closed", label(form.outcome.data, OUTCOME))
        if action != "feedback":
            audit.record("update", "handoff", handoff_id, result=action, db=db)
    flash({"accept": "Overdracht geaccepteerd.", "decline": "Overdracht afgewezen.",
           "feedback": "Bericht verstuurd naar de straathoekwerker.", "close": "Overdracht afgesloten."}[action], "success")
    return redirect(url_for("cjg.open_handoff", handoff_id=handoff_id,
                            _anchor="berichten" if action == "feedback" else None))


@bp.route("/<int:handoff_id>/print")
@allow("cjg")
def print_handoff(handoff_id):
    """An A4 print view for the CJG's own system."""
    handoff = mark_received(handoff_id, "print")
    events = timeline(handoff_id)
    return render_template("handoffs/show.html", handoff=handoff, events=events, messages=thread(events), overdue=False,
                           youth=get_db()["youths"].get(handoff["youth_id"]), print_view=True)


def init_app(app):
    """Register the blueprint."""
    app.register_blueprint(bp)
