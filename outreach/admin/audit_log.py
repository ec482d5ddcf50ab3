"""The admin's view of the audit log: filter, read, export; the trail of one youth includes its concerns and
handoffs (the writer is core/audit.py)."""
import re

from flask import Blueprint, render_template, request
from wtforms import SelectField, StringField
from wtforms.validators import Length, Optional, Regexp

from ..core.access import allow
from ..core.audit import record
from ..core.db import get_db
from ..core.downloads import csv_download
from ..core.forms import DayField, Form
from ..core.youth import youth_code
from ..vocab import AUDIT_ACTION, AUDIT_OBJECT, ROLE_SHORT, choices, counted
from .backup import dutch_size

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")
LIMIT = 200


class AuditFilter(Form):
    """What to look for in the log (a GET form)."""

    youth = StringField("Code jongere", validators=[Optional(), Regexp(r"^\s*[Jj]-?\d{1,9}\s*$",
                                                                     message="Vul een code in zoals J-0042.")])
    actor = StringField("Gebruiker", validators=[Optional(), Length(max=40)])
    action = SelectField("Actie", choices=choices(AUDIT_ACTION, "Alle"), validators=[Optional()])
    object_type = SelectField("Soort", choices=choices(AUDIT_OBJECT, "Alle"), validators=[Optional()])
    since = DayField("Vanaf (datum)", validators=[Optional()])


# The results the app writes in English, as an admin reads them; the stored text (and the CSV) stays as written.
RESULTS = {"ok": "in orde", "refused": "geweigerd", "list": "lijst", "code asked": "code gevraagd",
           "wrong code": "verkeerde code", "to worker": "aan de straathoekwerker", "to cjg": "aan het CJG",
           "second factor enrolled": "tweestapsverificatie ingesteld",
           "recovery codes renewed": "herstelcodes vernieuwd",
           "password reset": "nieuw wachtwoord gegeven", "password changed": "wachtwoord gewijzigd",
           "integrity_check failed": "integriteitscontrole mislukt", "handoff form": "overdrachtsformulier",
           "handoff chooser": "keuze van de jongere", "edit form": "bewerkformulier", "archived": "gearchiveerd",
           "activated": "weer actief", "name/e-mail": "naam en e-mail"}
COUNTS = re.compile(r" (\d+)")  # The numbers in a purge's result.
PATTERNS = [
    (re.compile(r"role (\w+)"), lambda m: f"rol {ROLE_SHORT.get(m[1], m[1])}"),
    (re.compile(r"(\d+) rows"), lambda m: counted(int(m[1]), "rij", "rijen")),
    (re.compile(r"ok (\d+) bytes"), lambda m: f"in orde, {dutch_size(int(m[1]))}"),
    (re.compile(r"merged (into|from) (.+)"), lambda m: f"samengevoegd {'met' if m[1] == 'into' else 'uit'} {m[2]}"),
    (re.compile(r"corrects (\d+)"), lambda m: f"verbetert {m[1]}"),
    (re.compile(r"list of (\d+) on contact form"), lambda m: f"lijst van {m[1]} op het contactformulier"),
]


def outcome(action, result):
    """An audit row's result in Dutch words: a purge as what it erased, known phrases translated, the rest as stored."""
    if not result:
        return "–"
    if action == "purge":  # 'notes 3, youths 1, …'
        return f"{sum(int(n) for n in COUNTS.findall(result))} gegevens gewist"
    if result in RESULTS:
        return RESULTS[result]
    for pattern, words in PATTERNS:
        found = pattern.fullmatch(result)
        if found:
            return words(found)
    return result


def trail(form):
    """The matching rows, newest first, with the actor's name; (rows, youth id or None, error text or None)."""
    db = get_db()
    where, params, youth_id = ["1 = 1"], [], None
    if form.youth.data:
        code = youth_code(form.youth.data)
        row = db.execute("select id from youths where code = ?", [code]).fetchone()
        if row is None:
            return [], None, f"Geen jongere met code {code}."
        youth_id = row[0]
        # The youth itself, and the concerns and handoffs about them.
        where.append("((a.object_type = 'youth' and a.object_id = ?) or (a.object_type = 'concern' and a.object_id in "
                     "(select cast(id as text) from concerns where youth_id = ?)) or (a.object_type = 'handoff' and "
                     "a.object_id in (select cast(id as text) from handoffs where youth_id = ?)))")
        params += [str(youth_id), youth_id, youth_id]
    for clause, value in (("(u.username = lower(?) or u.full_name = ?)", form.actor.data), ("a.action = ?", form.action.data),
                          ("a.object_type = ?", form.object_type.data)):
        if value:
            where.append(clause)
            params += [value.strip()] * clause.count("?")
    if form.since.data:
        where.append("a.at >= ?")
        params.append(form.since.data.isoformat())
    # The WHERE clause is joined from the fixed texts above; every value is a parameter.
    rows = db.query("select a.*, u.username, u.full_name from audit_log a left join users u on u.id = a.actor_id where "
                    + " and ".join(where) + " order by a.id desc limit ?", [*params, LIMIT])  # nosec B608
    return [dict(r) for r in rows], youth_id, None


@bp.route("/")
@allow("admin")
def show_log():
    """The audit log, filtered; the newest 200 rows (the CSV has the same filter)."""
    form = AuditFilter(request.args)
    rows, youth_id, problem = trail(form) if form.validate() else ([], None, None)
    if problem:
        form.youth.errors = [problem]
    code = youth_code(form.youth.data or "")
    return render_template("audit/log.html", form=form, rows=rows, limit=LIMIT, youth_id=youth_id, code=code,
                           outcome=outcome)


@bp.route("/export.csv")
@allow("admin")
def export_log():
    """The filtered rows as CSV (';', UTF-8 with BOM); the export itself is logged."""
    form = AuditFilter(request.args)
    rows, _, _ = trail(form) if form.validate() else ([], None, None)
    columns = ["at", "username", "actor_role", "action", "object_type", "object_id", "result", "origin"]
    record("export", "audit", None, result=f"{len(rows)} rows")
    return csv_download(columns, ([str(r[c] or "") for c in columns] for r in rows), "auditlog.csv")


def init_app(app):
    """Register the blueprint."""
    app.register_blueprint(bp)
