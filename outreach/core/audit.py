"""The append-only audit log (invariant 4): who did what to which object, never the content."""
import csv
import io
from datetime import datetime, timezone

from flask import Blueprint, Response, has_request_context, render_template, request
from flask_login import current_user
from wtforms import SelectField, StringField
from wtforms.validators import Length, Optional, Regexp

from .access import allow
from .db import get_db
from .forms import DayField, Form, choices, youth_code


def utcnow():
    """The current UTC time as ISO text, the form every system stamp uses."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def save(table, object_type, values, row_id=None, **on_create):
    """Insert a row (with on_create and created_at) or update row_id, and audit it, in one transaction."""
    db = get_db()
    with db.atomic():
        if row_id:
            db[table].update(row_id, values)
            record("update", object_type, row_id, db=db)
        else:
            row_id = db[table].insert({**values, **on_create, "created_at": utcnow()}).last_pk
            record("create", object_type, row_id, db=db)
    return row_id


def record(action, object_type=None, object_id=None, result="ok", actor=None, db=None):
    """Append one audit row; the actor defaults to the logged-in user, the origin to the client IP."""
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user
    # One plain INSERT: this runs on every audited request, and a table method's schema checks cost 4× more.
    (db or get_db()).execute(
        "insert into audit_log (at, actor_id, actor_role, action, object_type, object_id, result, origin) "
        "values (?, ?, ?, ?, ?, ?, ?, ?)",
        [utcnow(), getattr(actor, "id", None), getattr(actor, "role", None), action, object_type,
         None if object_id is None else str(object_id), result,
         request.remote_addr if has_request_context() else "cli"])


# The admin's view of the log: filter, read, export; the trail of one youth includes its concerns and handoffs.
bp = Blueprint("audit", __name__, url_prefix="/admin/audit")
ACTIONS = ["view", "create", "update", "delete", "export", "login ok", "login failed", "locked", "logout", "purge",
           "backup", "erase"]
OBJECTS = ["user", "youth", "concern", "handoff", "contact", "visit", "spot", "reporter", "report", "retention",
           "insights", "keys", "demo"]
LIMIT = 200


class AuditFilter(Form):
    """What to look for in the log (a GET form)."""

    youth = StringField("Code jongere", validators=[Optional(), Regexp(r"^\s*[Jj]-?\d{1,9}\s*$",
                                                                     message="Vul een code in zoals J-0042.")])
    actor = StringField("Gebruiker", validators=[Optional(), Length(max=40)])
    action = SelectField("Actie", choices=choices(ACTIONS, "Alle"), validators=[Optional()])
    object_type = SelectField("Soort", choices=choices(OBJECTS, "Alle"), validators=[Optional()])
    since = DayField("Vanaf (datum)", validators=[Optional()])


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
    for clause, value in (("u.username = ?", form.actor.data), ("a.action = ?", form.action.data),
                          ("a.object_type = ?", form.object_type.data)):
        if value:
            where.append(clause)
            params.append(value.strip())
    if form.since.data:
        where.append("a.at >= ?")
        params.append(form.since.data.isoformat())
    # The WHERE clause is joined from the fixed texts above; every value is a parameter.
    rows = db.query("select a.*, u.username from audit_log a left join users u on u.id = a.actor_id where "
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
    return render_template("audit/log.html", form=form, rows=rows, limit=LIMIT, youth_id=youth_id, code=code)


@bp.route("/export.csv")
@allow("admin")
def export_log():
    """The filtered rows as CSV (';', UTF-8 with BOM); the export itself is logged."""
    form = AuditFilter(request.args)
    rows, _, _ = trail(form) if form.validate() else ([], None, None)
    columns = ["at", "username", "actor_role", "action", "object_type", "object_id", "result", "origin"]
    record("export", "audit", None, result=f"{len(rows)} rows")
    return csv_download(columns, ([str(r[c] or "") for c in columns] for r in rows), "auditlog.csv")


def csv_download(header, rows, filename):
    """A CSV attachment for a Dutch spreadsheet: UTF-8 with BOM, ';', no cell that would run as a formula."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([["'" + v if v[:1] in ("=", "+", "-", "@", "\t", "\r") else v for v in row] for row in rows])
    return Response(out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def init_app(app):
    """Register the blueprint."""
    app.register_blueprint(bp)
