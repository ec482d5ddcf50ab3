"""Overdrachten, the worker's side: hand a youth over to the CJG with consent, facts and a drafted summary."""
import json
import smtplib
import ssl
import uuid
from datetime import datetime, timedelta
from email.message import EmailMessage

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from ..core import audit, reporters
from ..core.access import allow
from ..core.crypto import seal, unseal
from ..core.dates import LOCAL, dutch_day, now_local, shown, stamp
from ..core.db import get_db, get_or_404
from ..core.forms import DayField, Form, MomentField, arg_id
from ..core.youth import STAGE_CHOICES, get_youth
from ..core.forms import MultiCheckboxField
from ..vocab import (AGE_BAND, CONCERN_LEVEL, CONCERN_SOURCE, CONCERN_STATUS, CONSENT, HANDOFF_STATUS, OPEN_CONCERN,
                     SUBSTANCE, TOPIC, STAGE, UNDER_16, URGENCY, YES_NO, choices, label)
from . import messages

bp = Blueprint("handoffs", __name__, url_prefix="/handoffs")


class HandoffForm(Form):
    """What the CJG needs, and nothing more: the only form where a youth's real identity is typed (invariant 1)."""
    concerns = MultiCheckboxField("Zorgmeldingen die hiertoe leidden", coerce=int, validate_choice=False)
    reason = TextAreaField("Reden van overdracht", validators=[DataRequired("Beschrijf de reden."), Length(max=1000)])
    facts = TextAreaField("Concrete feiten", validators=[DataRequired("Noem de concrete feiten."), Length(max=2000)])
    stage = SelectField("Huidige fase (Jellinek)", choices=[SelectChoice("", "Kies de fase")] + STAGE_CHOICES[1:],
                        validators=[DataRequired("Kies de huidige fase.")])
    urgency = RadioField("Urgentie", choices=choices(URGENCY), validators=[InputRequired("Kies de urgentie.")])
    consent = RadioField("Jongere akkoord met overdracht", choices=choices(CONSENT),
                         validators=[InputRequired("Vul in of de jongere akkoord is.")])
    parents_informed = RadioField("Ouders geïnformeerd (onder 16)", choices=choices(YES_NO),
                                  validate_choice=False)
    sharing_ground = StringField("Grond om zonder toestemming te delen", validators=[Length(max=300)])
    full_name = StringField("Naam van de jongere", validators=[DataRequired("Het CJG heeft de naam nodig."),
                                                              Length(max=120)])
    birth_date = DayField("Geboortedatum")
    phone = StringField("Telefoon", validators=[Optional(), Length(max=40)])
    address = StringField("Adres", validators=[Optional(), Length(max=200)])
    summary = TextAreaField("Samenvatting voor het CJG", validators=[DataRequired("Schrijf een samenvatting."),
                                                                    Length(max=4000)])
    warm_handoff_at = MomentField("Voorstel warme overdracht (gezamenlijk gesprek)", validators=[Optional()])
    # One id per opened form: sending it twice (a double tap, a retry) makes one handoff.
    submission = HiddenField(validators=[DataRequired("Laad het formulier opnieuw."), Length(min=16, max=64)])

    def validate_sharing_ground(self, field):
        """Without the youth's consent, say on what ground the worker shares anyway."""
        if self.consent.data in ("no", "not_asked") and not (field.data or "").strip():
            raise ValidationError("Zonder toestemming: noem de grond om toch te delen, bijv. acute zorg over veiligheid.")

    def validate_parents_informed(self, field):
        """For a youth under 16 (by age band, or by the birth date typed here), say whether the parents know."""
        born = self.birth_date.data
        today = now_local().date()
        if born and today.year - born.year - ((today.month, today.day) < (born.month, born.day)) < 16:
            self.under_16 = True
        if self.under_16 and field.data not in YES_NO:
            raise ValidationError("Vul in of de ouders zijn geïnformeerd (jongere onder 16).")

    def validate_birth_date(self, field):
        """A birth date in the past, and a way for the CJG to find the youth."""
        if field.data and field.data >= now_local().date():
            raise ValidationError("Een geboortedatum ligt in het verleden.")
        if not (field.data or (self.phone.data or "").strip() or (self.address.data or "").strip()):
            raise ValidationError("Vul een geboortedatum, telefoonnummer of adres in, zodat het CJG de jongere vindt.")

    def validate_warm_handoff_at(self, field):
        """A proposed meeting lies ahead."""
        if field.data and field.data < now_local():
            raise ValidationError("Een voorstel voor een gesprek ligt in de toekomst.")


# The youth's contacts (their latest version), for the drafted summary.
CONTACTS = ("select c.contacted_at, c.substances, c.topics from contacts c join contact_youths cy on "
            "cy.contact_id = c.id where cy.youth_id = ? and c.replaced_by is null order by c.contacted_at")


def mentioned(lists, words):
    """The labels most often ticked across the contacts' lists (JSON), most frequent first (at most four)."""
    counts = {}
    for raw in lists:
        for code in json.loads(raw or "[]"):
            counts[code] = counts.get(code, 0) + 1
    return ", ".join(label(code, words) for code in sorted(counts, key=counts.get, reverse=True)[:4])


def draft_summary(youth):
    """A first summary from the youth's timeline, in sentences a CJG colleague reads at once; the worker edits it."""
    db = get_db()
    contacts = db.execute(CONTACTS, [youth["id"]]).fetchall()
    count = len(contacts)
    said = [f"{count} contactmoment{'' if count == 1 else 'en'} sinds {dutch_day(contacts[0][0])}"
            + (f", het laatste op {dutch_day(contacts[-1][0])}." if count > 1 else ".") if count
            else "Nog geen contactmomenten vastgelegd."]
    stages = [f"{STAGE[stage]} (fase {stage}, {dutch_day(at)})" for stage, at in db.execute(
        "select stage, set_at from youth_stages where youth_id = ? order by set_at", [youth["id"]])]
    said.append(f"Fase-verloop: {', '.join(stages)}." if stages else "Fase nog niet vastgelegd.")
    for index, words, lead in ((1, SUBSTANCE, "Genoemde middelen"), (2, TOPIC, "Besproken")):
        found = mentioned((row[index] for row in contacts), words)
        if found:
            said.append(f"{lead}: {found}.")
    concerns = db.execute("select count(*), max(received_at) from concerns where youth_id = ?", [youth["id"]]).fetchone()
    if concerns[0]:
        said.append(f"{concerns[0]} zorgmelding{'' if concerns[0] == 1 else 'en'}, de laatste op {dutch_day(concerns[1])}.")
    said.append(f"Leeftijd {label(youth['age_band'], AGE_BAND)}.")
    return " ".join(said)


def from_concern(concern_id, open_ids):
    """What the handoff form starts with when it comes from one of the youth's open concerns: its worry and facts."""
    if concern_id not in open_ids:
        return {}
    concern = unseal("concerns", get_db()["concerns"].get(concern_id))
    return {"reason": concern["worry"] or "", "facts": concern["facts"] or ""}


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
        "select distinct y.id, y.code, y.alias from youths y join concerns c on c.youth_id = y.id "
        "where y.merged_into is null and c.status in (?, ?, ?) order by y.code", list(OPEN_CONCERN))
    audit.record("view", "youth", None, result="handoff chooser")
    return render_template("handoffs/choose.html", youths=list(youths), code=code)


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
    rows = [dict(r) for r in get_db().query(
        "select h.id, h.status, h.urgency, h.sent_at, h.outcome, h.closed_at, h.declined_at, y.code, y.alias, "
        "y.erased_at, h.worker_id = ? and h.worker_news_at > coalesce(h.worker_seen_at, '') as new_events "
        "from handoffs h join youths y on y.id = h.youth_id " + keyset  # nosec B608 - fixed text
        + "order by h.sent_at desc, h.id desc limit ?", [*params, PAGE + 1])]
    more = f"{rows[PAGE - 1]['sent_at']}|{rows[PAGE - 1]['id']}" if len(rows) > PAGE else None
    audit.record("view", "handoff", None, result="list")
    return render_template("handoffs/list.html", handoffs=rows[:PAGE], overdue=overdue, more=more,
                           first=not keyset)


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
