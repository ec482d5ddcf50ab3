"""Client ids for entries a phone may send more than once (a retry, a double tap, an offline queue).

The phone makes a UUID per entry; the server keeps it with a fingerprint of what was sent. The same id
again with the same content is the same entry: no new row, the same answer. The same id with other content
is refused with 409, never silently merged.
"""
import hashlib
import json
import uuid

from flask import flash, request
from wtforms import HiddenField
from wtforms.validators import Optional, Regexp

UUID = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
# Fixed statements per table: the table name is never taken from input.
LOOKUP = {
    "contacts": "select id, client_hash, worker_id from contacts where client_id = ?",
    "visits": "select id, client_hash, worker_id from visits where client_id = ?",
}
CONFLICT = ("Dit contact of bezoek is al eerder verstuurd met andere gegevens. "
            "Controleer wat er staat en sla het zo nodig opnieuw op als nieuw.")


class Conflict(Exception):
    """The client id is already used for other content (or by someone else)."""


def client_id_field():
    """The hidden field a phone fills with its own id for the entry (optional: forms work without it)."""
    return HiddenField(validators=[Optional(), Regexp(UUID, message="Ongeldige verzending; probeer het opnieuw.")])


def fingerprint():
    """A hash of what was posted, apart from the CSRF token, the id itself and the personal-data confirmation."""
    skip = {"csrf_token", "client_id", "confirm_personal"}
    fields = sorted((k, sorted(request.form.getlist(k))) for k in request.form if k not in skip)
    return hashlib.sha256(json.dumps(fields, ensure_ascii=False).encode()).hexdigest()


def seen(db, table, client_id, digest, worker_id):
    """Inside the saving transaction: the id of the row already saved for this entry, or None when it is new."""
    row = db.execute(LOOKUP[table], [client_id]).fetchone()
    if row is None:
        return None
    if row[1] != digest or row[2] != worker_id:
        raise Conflict(CONFLICT)
    return row[0]


def new_id():
    """A fresh client id for a new entry (the form carries it, so a double tap saves once)."""
    return str(uuid.uuid4())


def resent(db, table, form, worker_id):
    """Inside the save's transaction: (the row this entry already made, or None; the columns a new row carries)."""
    if not form.client_id.data:
        return None, {}
    digest = fingerprint()
    return seen(db, table, form.client_id.data, digest, worker_id), {"client_id": form.client_id.data,
                                                                     "client_hash": digest}


def refuse(form, conflict):
    """A resend with other content: say so, and give the form a fresh id so that saving again makes a new entry."""
    flash(str(conflict), "error")
    form.client_id.data = new_id()
