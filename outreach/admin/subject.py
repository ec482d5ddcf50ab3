"""Subject access and erasure (AVG art. 15 and 17) for one youth code, done by the admin on a lawful request.

The export holds everything kept about the youth, except who raised a concern (art. 15(4): the reporter's
rights) and group notes that are also about others. Erasure cuts the youth loose like a retention purge:
the pilot report's anonymous counts stay (invariant 5).

The admin reads no case content in any other task, so this one is deliberate: nothing of a youth is shown before
the request's reference (kenmerk) and reason are given, and every view, download and erasure is audited with them.
"""
import functools
import json

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, session, url_for
from wtforms import BooleanField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Regexp

from ..core import audit
from ..core.access import allow
from ..core.db import fold_wal, get_db
from ..core.forms import Form
from ..core.youth import youth_code
from .retention import anonymise_youth, family, frozen
from ..vocab import (AGE_BAND, CLOSE_REASON, CONCERN_LEVEL, CONCERN_SOURCE, CONCERN_STATUS, CONSENT, CONTACT_KIND,
                    EVENT_KIND, GENDER, HANDOFF_STATUS, OUTCOME, RISK_SIGNAL, SUBJECT_REASON as REASONS, SUBSTANCE, TOPIC,
                    URGENCY, in_words, labels)

bp = Blueprint("subject", __name__, url_prefix="/admin/subject")
CODE = r"^\s*[Jj]-?\d{1,9}\s*$"
OPEN_REQUESTS = 5  # Requests kept open in one admin's session; the oldest makes way.


def reveal(table, column, value):
    """A stored value as readable text (encrypted columns are opened here, in one place)."""
    try:
        from ..core.crypto import decrypt  # Present once identifying fields are encrypted at rest.
    except ImportError:
        return value
    return decrypt(table, column, value)


class FindForm(Form):
    """Which youth the request is about, the request's reference and the reason to read the records."""
    code = StringField("Code jongere", validators=[DataRequired("Vul de code van de jongere in."),
                                                   Regexp(CODE, message="Vul een code in zoals J-0042.")])
    reference = StringField("Kenmerk van het verzoek", validators=[
        DataRequired("Vul het kenmerk van het verzoek in, bijvoorbeeld AVG-2026-014."),
        Length(max=40, message="Maximaal 40 tekens."),
        Regexp(r"^[\w./ -]+$", message="Alleen letters, cijfers, spaties en . / - _ (geen namen).")])
    reason = SelectField("Reden", choices=[SelectChoice(k, v) for k, v in {"": "Kies de reden", **REASONS}.items()],
                         validators=[InputRequired("Kies waarom je de gegevens inziet.")])


def open_request(code):
    """The (reference, reason) the admin gave for this youth in this session, or None."""
    found = session.get("subject_requests", {}).get(code)
    return tuple(found) if found else None


def remember_request(code, reference, reason):
    """Keep the request open for this youth in the admin's session (a few at a time)."""
    requests = {k: v for k, v in session.get("subject_requests", {}).items() if k != code}
    requests[code] = [reference, reason]
    session["subject_requests"] = dict(list(requests.items())[-OPEN_REQUESTS:])


def audited(action, youth, what, db=None):
    """Write the audit line of a view, download or erasure with the request's reference and reason."""
    reference, reason = open_request(youth["code"])
    audit.record(action, "youth", youth["id"], result=f"{what}; kenmerk {reference}; {REASONS[reason]}", db=db)


def asked_first(code):
    """The redirect to the request form when no reference and reason were given for this youth, else None."""
    if open_request(youth_code(code)):
        return None
    flash("Vul eerst het kenmerk en de reden van het verzoek in.", "error")
    return redirect(url_for("subject.find_youth", code=youth_code(code)))


class EraseForm(Form):
    """Erasure needs a stated ground and a second look."""
    ground = StringField("Grond van het verzoek", validators=[
        DataRequired("Noem de grond, bijvoorbeeld: verzoek van de jongere van 12-11-2026."), Length(max=200)])
    confirm = BooleanField("Ik heb het verzoek getoetst; wis de gegevens van deze jongere",
                           validators=[DataRequired("Bevestig dat je het verzoek hebt getoetst.")])


def youth_by_code(code):
    """The youths row for a code, or a 404."""
    rows = list(get_db()["youths"].rows_where("code = ?", [youth_code(code)], limit=1))
    if not rows:
        abort(404)
    return rows[0]


def rows(sql, params, table, texts=()):
    """Query rows as dicts with the text columns made readable."""
    found = [dict(r) for r in get_db().query(sql, params)]
    for row in found:
        for column in texts:
            row[column] = reveal(table, column, row[column])
    return found


# The coded columns of each part of the export, shown in words: the youth reads labels, not the app's codes.
WORDS = {"profiel": {"age_band": AGE_BAND, "gender": GENDER},
         "contacten": {"kind": CONTACT_KIND, "topics": TOPIC, "substances": SUBSTANCE},
         "zorgmeldingen": {"source": CONCERN_SOURCE, "level": CONCERN_LEVEL, "status": CONCERN_STATUS,
                           "close_reason": CLOSE_REASON},
         "overdrachten": {"status": HANDOFF_STATUS, "urgency": URGENCY, "consent": CONSENT, "outcome": OUTCOME}}


def held(youth):
    """Everything kept about one youth, as plain data (the page and the JSON show the same)."""
    data = stored(youth)
    in_words(data["profiel"], WORDS["profiel"])
    data["profiel"]["risk_signals"] = labels(data["profiel"]["risk_signals"], RISK_SIGNAL)
    for part in ("contacten", "zorgmeldingen", "overdrachten"):
        for row in data[part]:
            in_words(row, WORDS[part])
    for handoff in data["overdrachten"]:
        for event in handoff["events"]:
            in_words(event, {"status": HANDOFF_STATUS, "kind": EVENT_KIND})
    return data


def stored(youth):
    """Everything kept about one youth as stored (codes)."""
    yid = youth["id"]
    contacts = rows(
        "select c.id, c.contacted_at, s.name as spot, c.kind, c.youths_present, c.topics, c.substances, c.ed_present, "
        "c.duration_min, case when (select count(*) from contact_youths x where x.contact_id = c.id) = 1 "
        "then c.note end as note from contacts c join contact_youths cy on cy.contact_id = c.id "
        "left join spots s on s.id = c.spot_id where cy.youth_id = ? and c.replaced_by is null "
        "order by c.contacted_at", [yid], "contacts", ["note"])
    handoffs = rows("select id, sent_at, status, urgency, consent, parents_informed, sharing_ground, stage, reason, "
                    "facts, full_name, birth_date, phone, address, summary, outcome, received_at, accepted_at, "
                    "declined_at, decline_reason, closed_at from handoffs where youth_id = ? order by sent_at", [yid],
                    "handoffs", ["reason", "facts", "full_name", "birth_date", "phone", "address", "summary",
                                 "decline_reason"])
    for handoff in handoffs:
        handoff["events"] = rows("select at, kind, status, text from handoff_events where handoff_id = ? order by at",
                                 [handoff["id"]], "handoff_events", ["text"])
    return {
        "profiel": {k: youth[k] for k in ("code", "alias", "age_band", "gender", "stage", "created_at", "erased_at")}
        | {"risk_signals": json.loads(youth["risk_signals"] or "[]")},
        # Profiles merged into this one (the same youth, logged twice) keep their own alias until erased.
        "samengevoegde_profielen": rows("select code, alias, created_at, erased_at from youths where id in (select "
                                        "value from json_each(?)) and id != ?",
                                        [json.dumps(family(get_db(), yid)), yid], "youths"),
        "fases": rows("select stage, set_at from youth_stages where youth_id = ? order by set_at", [yid], "youth_stages"),
        "contacten": [{**c, "topics": json.loads(c["topics"]), "substances": json.loads(c["substances"])}
                      for c in contacts],
        # Never the reporter (art. 15(4)): the concern_reporters table is not read here.
        "zorgmeldingen": rows("select id, received_at, source, level, status, worry, facts, close_reason, "
                              "first_contact_at, closed_at from concerns where youth_id = ? order by received_at",
                              [yid], "concerns", ["worry", "facts"]),
        "overdrachten": handoffs,
        "inzage_in_het_auditlog": rows(
            "select at, action, actor_role, object_type from audit_log where (object_type = 'youth' and object_id = ?) "
            "or (object_type = 'handoff' and object_id in (select cast(id as text) from handoffs where youth_id = ?)) "
            "or (object_type = 'concern' and object_id in (select cast(id as text) from concerns where youth_id = ?)) "
            "order by id", [str(yid), yid, yid], "audit_log"),
    }


@bp.route("/", methods=["GET", "POST"])
@allow("admin")
def find_youth():
    """Start of a request: the youth's code, the request's reference and the reason."""
    form = FindForm(data={"code": request.args.get("code", "")[:20]})
    if form.validate_on_submit():
        code = youth_code(form.code.data)
        remember_request(code, form.reference.data.strip(), form.reason.data)
        return redirect(url_for("subject.show_subject", code=code))
    return render_template("subject/find.html", form=form)


def requested(view):
    """A youth's own pages: 404 for an unknown code, and the request form first while no request is open."""
    @functools.wraps(view)
    def opened(code):
        """The view with the youth, once a reference and reason were given for it."""
        youth = youth_by_code(code)
        return asked_first(code) or view(youth)
    return opened


def show_page(youth, form):
    """The youth's page: everything held, printable, with the JSON download and the erasure form."""
    return render_template("subject/show.html", youth=youth, data=held(youth), form=form,
                           request_of=open_request(youth["code"]), reasons=REASONS)


@bp.route("/<code>")
@allow("admin")
@requested
def show_subject(youth):
    """Everything held about the youth, printable; with the JSON download and the erasure form."""
    audited("export", youth, "inzage (pagina)")
    return show_page(youth, EraseForm())


@bp.route("/<code>.json")
@allow("admin")
@requested
def export_subject(youth):
    """The same as JSON, for the youth or their representative."""
    audited("export", youth, "inzage (json)")
    body = json.dumps(held(youth), ensure_ascii=False, indent=2)
    return Response(body, mimetype="application/json",
                    headers={"Content-Disposition": f'attachment; filename="inzage-{youth["code"]}.json"'})


@bp.route("/<code>/erase", methods=["POST"])
@allow("admin")
@requested
def erase_subject(youth):
    """Erase the youth's text and links on a lawful request; the report's anonymous counts stay."""
    form = EraseForm()
    if not form.validate_on_submit():
        return show_page(youth, form)
    db = get_db()
    with db.atomic(), frozen(db):
        counts = anonymise_youth(db, youth["id"])
        # The ground stays with the request's own file; the log says that it happened and what went.
        audited("erase", youth, f"op verzoek; {counts['links']} koppelingen", db=db)
    fold_wal(db)
    flash(f"Gegevens van {youth['code']} gewist; de tellingen van de pilotevaluatie blijven.", "success")
    return redirect(url_for("subject.show_subject", code=youth["code"]))


def init_app(app):
    """Register the blueprint."""
    app.register_blueprint(bp)

