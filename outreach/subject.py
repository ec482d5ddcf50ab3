"""Subject access and erasure (AVG art. 15 and 17) for one youth code, done by the admin on a lawful request.

The export holds everything kept about the youth, except who raised a concern (art. 15(4): the reporter's
rights) and group notes that are also about others. Erasure cuts the youth loose like a retention purge:
the pilot report's anonymous counts stay (invariant 5).
"""
import json

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, Length, Regexp

from . import audit
from .access import allow
from .concerns import fold_wal
from .db import get_db
from .forms import Form, youth_code
from .retention import anonymise_youth, family, frozen

bp = Blueprint("subject", __name__, url_prefix="/admin/subject")
CODE = r"^\s*[Jj]-?\d{1,9}\s*$"


def reveal(table, column, value):
    """A stored value as readable text (encrypted columns are opened here, in one place)."""
    try:
        from .crypto import decrypt  # Present once identifying fields are encrypted at rest.
    except ImportError:
        return value
    return decrypt(table, column, value)


class FindForm(Form):
    """Which youth the request is about."""
    code = StringField("Code jongere", validators=[DataRequired("Vul de code van de jongere in."),
                                                   Regexp(CODE, message="Vul een code in zoals J-0042.")])


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


def held(youth):
    """Everything kept about one youth, as plain data (the page and the JSON show the same)."""
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
    """Start of a request: the youth's code."""
    form = FindForm()
    if form.validate_on_submit():
        return redirect(url_for("subject.show_subject", code=youth_code(form.code.data)))
    return render_template("subject/find.html", form=form)


@bp.route("/<code>")
@allow("admin")
def show_subject(code):
    """Everything held about the youth, printable; with the JSON download and the erasure form."""
    youth = youth_by_code(code)
    audit.record("export", "youth", youth["id"], result="inzage (pagina)")
    return render_template("subject/show.html", youth=youth, data=held(youth), form=EraseForm())


@bp.route("/<code>.json")
@allow("admin")
def export_subject(code):
    """The same as JSON, for the youth or their representative."""
    youth = youth_by_code(code)
    audit.record("export", "youth", youth["id"], result="inzage (json)")
    body = json.dumps(held(youth), ensure_ascii=False, indent=2)
    return Response(body, mimetype="application/json",
                    headers={"Content-Disposition": f'attachment; filename="inzage-{youth["code"]}.json"'})


@bp.route("/<code>/erase", methods=["POST"])
@allow("admin")
def erase_subject(code):
    """Erase the youth's text and links on a lawful request; the report's anonymous counts stay."""
    youth = youth_by_code(code)
    form = EraseForm()
    if not form.validate_on_submit():
        return render_template("subject/show.html", youth=youth, data=held(youth), form=form)
    db = get_db()
    with db.atomic(), frozen(db):
        counts = anonymise_youth(db, youth["id"])
        # The ground stays with the request's own file; the log says that it happened and what went.
        audit.record("erase", "youth", youth["id"], result=f"op verzoek; {counts['links']} koppelingen", db=db)
    fold_wal(db)
    flash(f"Gegevens van {youth['code']} gewist; de tellingen van de pilotevaluatie blijven.", "success")
    return redirect(url_for("subject.show_subject", code=youth["code"]))


def init_app(app):
    """Register the blueprint."""
    app.register_blueprint(bp)

