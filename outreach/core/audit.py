"""The append-only audit log (invariant 4): who did what to which object, never the content."""
from datetime import datetime, timezone

from flask import has_request_context, request
from flask_login import current_user

from .db import get_db


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
