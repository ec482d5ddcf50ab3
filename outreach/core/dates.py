"""Moments as the app stores and shows them: local wall-clock text for field moments, UTC stamps for the system."""
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from flask import current_app

from .db import get_db
from ..vocab import MONTHS

LOCAL = ZoneInfo("Europe/Amsterdam")


def within_edit_window(created_at, hours=24):
    """True during the first hours after a row was saved (its UTC created_at), when its author may still change it."""
    saved = datetime.fromisoformat(created_at.replace("Z", "+00:00"))
    return datetime.now(timezone.utc) - saved < timedelta(hours=hours)


def now_local():
    """Now, as naive local wall-clock time (minutes), the form field moments are stored in."""
    return datetime.now(LOCAL).replace(tzinfo=None, second=0, microsecond=0)


def stamp(moment):
    """Local wall-clock text as stored: 'YYYY-MM-DD HH:MM'."""
    return moment.strftime("%Y-%m-%d %H:%M")


def days_ago(days):
    """The stored form of the moment `days` days before now (local wall-clock text)."""
    return stamp(now_local() - timedelta(days=days))


def day(value, empty=""):
    """The day alone of any stored moment, as every page shows one: '1 sep 2026' (the date-only form of shown)."""
    if isinstance(value, str) and value.endswith("Z"):  # A UTC stamp: its local day, which may be the next one.
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(LOCAL)
        except ValueError:
            return value
    if isinstance(value, datetime):
        return shown(value.date(), empty)
    return shown(value[:10] if isinstance(value, str) else value, empty)


def shown(value, empty=""):
    """Any stored moment as every role reads it: '30 nov 2026 21:45', a day alone as '30 nov 2026'.

    Local wall-clock text ('2026-11-30 21:45', with or without seconds) is shown as it is; UTC stamps ('...Z')
    in local time; date and datetime objects too. Text that is no moment is shown unchanged rather than failing.
    """
    if value is None or value == "":
        return empty
    try:
        if isinstance(value, datetime):
            moment = value
        elif isinstance(value, date):
            return f"{value.day} {MONTHS[value.month - 1]} {value.year}"
        elif value.endswith("Z"):
            moment = datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(LOCAL)
        elif len(value) == 10:
            return shown(date.fromisoformat(value))
        else:
            moment = datetime.fromisoformat(value[:16].replace("T", " "))
    except (AttributeError, ValueError):
        return value
    # The fields one by one: a strftime format spec costs twice as much, and a list page shows a moment per row.
    return f"{moment.day} {MONTHS[moment.month - 1]} {moment.year} {moment.hour:02}:{moment.minute:02}"


def localtime(utc_text, empty="nooit"):
    """Show a stored UTC stamp ('...Z') as Dutch local time, the way every date is shown (see shown)."""
    return shown(utc_text, empty)


def pilot_start():
    """The first month of the pilot: PILOT_START when set, else the first month with field data."""
    now = now_local().strftime("%Y-%m")
    configured = current_app.config.get("PILOT_START")
    if not configured:
        configured = get_db().execute("select min(m) from (select min(month) m from report_contacts "
                                      "union all select min(month) from report_visits)").fetchone()[0]
    # A PILOT_START or first data in a coming month still gives a period that ends now.
    return min(configured or now, now)
