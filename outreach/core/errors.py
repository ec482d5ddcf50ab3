"""Dutch error pages: the user always learns what happened and what to do next."""
import errno
import shutil
import sqlite3
from pathlib import Path

from flask import current_app, render_template, request
from flask_wtf.csrf import CSRFError

MESSAGES = {
    400: ("Dat ging niet goed", "Het verzoek was niet compleet. Ga terug en probeer het opnieuw."),
    403: ("Geen toegang", "Deze pagina hoort niet bij jouw rol. Vraag de beheerder als je denkt dat dit niet klopt."),
    404: ("Pagina niet gevonden", "Deze pagina bestaat niet (meer). Controleer het adres of ga terug naar de start."),
    405: ("Dat kan hier niet", "Deze actie kan niet via deze weg. Ga terug naar de start."),
    500: ("Er ging iets mis", "Er ging aan onze kant iets mis. Er is niets half opgeslagen; probeer het zo nog eens."),
}


def render_error(code, message=None):
    """Render the shared error page for an HTTP status."""
    title, text = MESSAGES[code]
    return render_template("errors/error.html", code=code, title=title, text=message or text), code


# Never echoed back on the no-room page: what was typed there is a password or a second-factor code.
SECRET_FIELDS = {"password", "current", "new", "repeat", "code", "renew_code"}
NEARLY_FULL = 1024 * 1024  # Free bytes below which a write error of SQLite is taken to be a full disk.


def disk_full(error):
    """True when error means the disk (or the database's quota) has no room left for a write."""
    if isinstance(error, OSError):
        return error.errno in (errno.ENOSPC, errno.EDQUOT)
    if getattr(error, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL:
        return True
    # SQLite reports some failed writes only as an I/O error; with next to no room left, that is the reason.
    if getattr(error, "sqlite_errorcode", 0) & 0xFF == sqlite3.SQLITE_IOERR:
        return shutil.disk_usage(Path(current_app.config["DATABASE"]).parent).free < NEARLY_FULL
    return False


def no_room(error):
    """A full disk: 503 with what was typed (to send again), and a line in the log for the administrator."""
    if not disk_full(error):
        raise error
    folder = Path(current_app.config["DATABASE"]).parent
    current_app.logger.error("SCHIJF VOL: %s %s niet opgeslagen; maak ruimte vrij op de schijf van %s (%s vrij).",
                             request.method, request.path, folder, f"{shutil.disk_usage(folder).free} bytes")
    typed = [(k, v) for k, v in request.form.items(multi=True) if k not in SECRET_FIELDS]
    secret = any(k in SECRET_FIELDS for k in request.form)
    return render_template("errors/no_room.html", typed=typed, retry=request.method == "POST" and not secret,
                           shown=[v for k, v in typed if v.strip() and k not in ("csrf_token", "client_id")
                                  and len(v) > 1]), 503, {"Retry-After": "300"}


def init_app(app):
    """Register a handler per status; a lost CSRF token gets its own explanation."""
    for code in MESSAGES:
        app.register_error_handler(code, lambda e, code=code: render_error(code))
    app.register_error_handler(sqlite3.OperationalError, no_room)
    app.register_error_handler(OSError, no_room)
    app.register_error_handler(CSRFError, lambda e: render_error(
        400, "Het formulier was verlopen of onvolledig. Laad de pagina opnieuw en probeer het nog eens."))
