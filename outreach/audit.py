"""The append-only audit log (invariant 4): who did what to which object, never the content."""
from datetime import datetime, timezone

from flask import has_request_context, request
from flask_login import current_user

from .db import get_db


def utcnow():
    """The current UTC time as ISO text, the form every system stamp uses."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def record(action, object_type=None, object_id=None, result="ok", actor=None, db=None):
    """Append one audit row; the actor defaults to the logged-in user, the origin to the client IP."""
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user
    (db or get_db())["audit_log"].insert({
        "at": utcnow(),
        "actor_id": getattr(actor, "id", None),
        "actor_role": getattr(actor, "role", None),
        "action": action,
        "object_type": object_type,
        "object_id": None if object_id is None else str(object_id),
        "result": result,
        "origin": request.remote_addr if has_request_context() else "cli",
    })
