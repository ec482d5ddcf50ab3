"""Zorgmeldingen: a worry about a youth, its source, and a reporter whose identity stays protected (invariant 2)."""
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from ..core import audit, reporters
from ..core.access import allow
from ..core.crypto import seal, unseal
from ..core.dates import days_ago, now_local, stamp
from ..core.db import get_db, get_or_404
from ..core.forms import Form, MomentField, arg_id, not_future, note_length
from ..core.youth import NewYouthFields
from ..vocab import CLOSE_REASON, CONCERN_LEVEL, CONCERN_SOURCE, CONCERN_STATUS, OPEN_CONCERN, WAITING_CONCERN, choices, label

bp = Blueprint("concerns", __name__, url_prefix="/concerns")
# Which status may follow which; "handed_over" is only ever set by sending a handoff.
NEXT = {"new": ["investigating", "contacted", "closed"], "investigating": ["contacted", "closed"],
        "contacted": ["closed"]}


class ConcernForm(NewYouthFields):
    """A new concern; the reporter's name and how to reach them are optional and kept apart."""
    received_at = MomentField("Ontvangen op", validators=[InputRequired("Vul in wanneer de melding binnenkwam."),
                                                          not_future])
    source = SelectField("Van wie komt de melding?", choices=choices(CONCERN_SOURCE, "Kies de bron"),
                         validators=[DataRequired("Kies van wie de melding komt.")])
    reporter_name = StringField("Naam melder (alleen voor jou zichtbaar)", validators=[Length(max=80)])
    reporter_reach = StringField("Hoe bereik je de melder?", validators=[Length(max=120)])
    youth_code = StringField("Code van de jongere", validators=[Length(max=12)])
    worry = TextAreaField("Waar maakt de melder zich zorgen over?",
                          validators=[DataRequired("Beschrijf de zorg.")] + note_length()[1:])
    facts = TextAreaField("Concrete feiten", validators=note_length())
    level = RadioField("Mate van zorg", choices=choices(CONCERN_LEVEL),
                       validators=[InputRequired("Kies de mate van zorg.")])
    guarded = ("worry", "facts", "new_alias")
    youth_id = None

    def validate_youth_code(self, field):
        """An existing code, or a new youth, is needed; not both."""
        code = (field.data or "").strip().upper()
        new = (self.new_alias.data or "").strip()
        if not code and not new:
            raise ValidationError("Vul de code van de jongere in, of voeg hieronder een nieuwe jongere toe.")
        if code and new:
            raise ValidationError("Kies een bestaande code óf een nieuwe jongere, niet allebei.")
        if code:
            row = get_db().execute("select id from youths where code = ? and merged_into is null", [code]).fetchone()
            if not row:
                raise ValidationError(f"Onbekende code: {code}.")
            self.youth_id = row[0]

    def validate_reporter_name(self, field):
        """An anonymous report has no reporter details."""
        if self.source.data == "anonymous" and ((field.data or "").strip() or (self.reporter_reach.data or "").strip()):
            raise ValidationError("Een anonieme melding heeft geen gegevens van de melder.")


def save_concern(form):
    """Insert the concern (and a quick-added youth) and, apart from it, the reporter; one transaction."""
    db = get_db()
    with db.atomic():
        youth_id = form.youth_id or form.create_new_youth(db)
        concern_id = db["concerns"].insert(seal("concerns", {
            "youth_id": youth_id, "recorded_by": current_user.id, "received_at": stamp(form.received_at.data),
            "source": form.source.data, "worry": form.worry.data.strip(), "facts": (form.facts.data or "").strip(),
            "level": form.level.data, "status": "new", "reporter_informed": 0, "created_at": audit.utcnow(),
        })).last_pk
        name, reach = (form.reporter_name.data or "").strip(), (form.reporter_reach.data or "").strip()
        reporters.save(concern_id, name or None, reach or None)  # In its own file, never in this database.
        audit.record("create", "concern", concern_id)
    return concern_id


PAGE = 30  # Concerns per page of the list: a page costs the same at any number of concerns.


@bp.route("/")
@allow("worker")
def list_concerns():
    """Open concerns first, the most worrying on top; then the latest closed ones; a page at a time."""
    days = current_app.config["CONCERN_REMINDER_DAYS"]
    page = max(1, min(request.args.get("pagina", 1, type=int), 1_000))
    wanted = page * PAGE + 1  # One more than this page's end tells whether there is a next page.
    # One short range of the (status, level, received_at) index per level of the open ones, and the latest closed
    # ones: never a sort of them all. The arms read only the index; the page's rows alone meet the tables.
    arm = ("select * from (select id, received_at, {rank} as rank from concerns {hint}"
           "where status in (?, ?, ?) and {level} order by received_at desc limit ?)")
    ranked = ("acute", "high", "medium")
    arms = [arm.format(rank=rank, hint="", level="level = ?") for rank in range(len(ranked))]
    arms.append(arm.format(rank=3, hint="indexed by idx_concerns_status_level_received_at ",
                           level="(level not in (?, ?, ?) or level is null)"))
    arms.append("select * from (select id, received_at, 4 from concerns "
                "where status not in (?, ?, ?) order by received_at desc limit ?)")
    # The arms are constant SQL; every value is a parameter (hence the nosec B608 mark).
    rows = list(get_db().query(
        "select c.id, c.received_at, c.source, c.level, c.status, y.code, y.alias, y.erased_at, "  # nosec B608
        "c.status in (?, ?) and c.received_at < ? as waiting from (select * from ("
        + " union all ".join(arms) + ") order by rank, received_at desc limit ? offset ?) p "
        "join concerns c on c.id = p.id join youths y on y.id = c.youth_id order by p.rank, p.received_at desc",
        [*WAITING_CONCERN, days_ago(days)] + [v for code in ranked for v in (*OPEN_CONCERN, code, wanted)]
        + [*OPEN_CONCERN, *ranked, wanted] + [*OPEN_CONCERN, wanted] + [PAGE + 1, (page - 1) * PAGE]))
    audit.record("view", "concern", None, result="list")
    return render_template("concerns/list.html", concerns=rows[:PAGE], open_statuses=OPEN_CONCERN, days=days,
                           page=page, more=len(rows) > PAGE)


@bp.route("/new", methods=["GET", "POST"])
@allow("worker")
def new_concern():
    """Record a concern as it comes in."""
    youth = get_db().execute("select code from youths where id = ?", [arg_id("youth")]).fetchone()
    form = ConcernForm() if request.method == "POST" else ConcernForm(data={
        "received_at": now_local(), "youth_code": youth[0] if youth else ""})
    if form.ready():
        concern_id = save_concern(form)
        flash("Zorgmelding opgeslagen.", "success")
        return redirect(url_for("concerns.show_concern", concern_id=concern_id))
    return render_template("concerns/form.html", form=form)


def reporter_of(concern):
    """The reporter row, only for the worker who recorded the concern (invariant 2); else None."""
    if concern["recorded_by"] != current_user.id:
        return None
    return reporters.get(concern["id"])


class StatusForm(Form):
    """Move a concern on; closing needs a reason."""
    status = SelectField("Nieuwe status", choices=choices(CONCERN_STATUS, "Status blijft gelijk",
                                                          only=("investigating", "contacted", "closed")))
    close_reason = SelectField("Reden van afsluiten", choices=choices(CLOSE_REASON, "Kies een reden"),
                               validate_choice=False)
    reporter_informed = BooleanField("De melder weet dat er iets mee gedaan is")

    def validate_close_reason(self, field):
        """A closed concern says why."""
        if self.status.data == "closed" and field.data not in CLOSE_REASON:
            raise ValidationError("Kies waarom de melding wordt afgesloten.")


@bp.route("/<int:concern_id>", methods=["GET", "POST"])
@allow("worker")
def show_concern(concern_id):
    """One concern with its status actions; the reporter's details only for the worker who recorded it."""
    concern = unseal("concerns", get_or_404("concerns", "id = ?", [concern_id]))
    form = StatusForm(data={"reporter_informed": bool(concern["reporter_informed"])})
    form.status.choices = choices(CONCERN_STATUS, "Status blijft gelijk", only=NEXT.get(concern["status"], []))
    if form.validate_on_submit():
        if change_status(concern_id, form):
            shown = label(form.status.data, CONCERN_STATUS)
            flash(f"Status: {shown}." if form.status.data else "Opgeslagen.", "success")
        else:
            flash("Deze melding is intussen gewijzigd; bekijk de nieuwe stand.", "error")
        return redirect(url_for("concerns.show_concern", concern_id=concern_id))
    youth = get_db()["youths"].get(concern["youth_id"])
    audit.record("view", "concern", concern_id)
    return render_template("concerns/show.html", concern=concern, youth=youth, reporter=reporter_of(concern),
                           form=form, next_statuses=NEXT.get(concern["status"], []), open_statuses=OPEN_CONCERN)


def change_status(concern_id, form):
    """Apply a status change if it is still allowed; closing erases the reporter in the same transaction."""
    db = get_db()
    with db.atomic():
        concern = db["concerns"].get(concern_id)  # Read again under the write lock: a colleague may have acted.
        if form.status.data and form.status.data not in NEXT.get(concern["status"], []):
            return False
        values = {"status": form.status.data or concern["status"],
                  "reporter_informed": int(form.reporter_informed.data)}
        if form.status.data == "contacted" and not concern["first_contact_at"]:
            values["first_contact_at"] = stamp(now_local())
        if form.status.data == "closed":
            values.update(close_reason=form.close_reason.data, closed_at=stamp(now_local()))
        db["concerns"].update(concern_id, values)
        # The audit line says it in words, like the lines written before codes were stored.
        audit.record("update", "concern", concern_id, result=label(values["status"], CONCERN_STATUS))
        if form.status.data == "closed":
            # Last before the commit, and committed before it: if only the commit fails, the reporter is gone anyway.
            reporters.erase(db, [concern_id])
    return True


def init_app(app):
    """Register the blueprint and open the reporter store."""
    app.register_blueprint(bp)
    reporters.init_app(app)
