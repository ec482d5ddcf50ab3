"""Each role's home page, the navigation per role and the DEMO marker."""
import sqlite3

from flask import Blueprint, current_app, redirect, render_template, url_for
from flask_login import current_user

from .core.access import HOMES, ROLES, allow
from .core.db import get_db
from .core.dates import day, days_ago, localtime, shown
from .vocab import WAITING_CONCERN

bp = Blueprint("home", __name__)

# Navigation per role; an entry shows only once its capability exists in this build.
NAV = {
    "worker": [("home.index", "Start"), ("spots.list_spots", "Kaart"), ("contacts.new_contact", "Contact"),
               ("youths.list_youths", "Jongeren"), ("handoffs.list_handoffs", "Overdracht")],
    "cjg": [("cjg.inbox", "Inbox"), ("report.show_report", "Rapport")],
    "manager": [("report.show_report", "Rapport")],
    "admin": [("admin.list_users", "Gebruikers"), ("audit.show_log", "Auditlog"), ("retention.edit_terms", "Bewaren"),
              ("subject.find_youth", "Inzage"), ("register.show_register", "Register")],
}
# Where a long menu label may break (a soft hyphen): at 14 px five labels share 360 px; the accessible name stays whole.
NAV_BREAKS = {"Overdracht": "Over\u00addracht", "Jongeren": "Jon\u00adge\u00adren", "Gebruikers": "Gebrui\u00adkers",
              "Auditlog": "Audit\u00adlog", "Register": "Regis\u00adter", "Bewaren": "Be\u00adwa\u00adren"}
# The worker's big buttons: label, endpoint, what it is for.
WORKER_ACTIONS = [
    ("Contact", "contacts.new_contact", "Contactmoment vastleggen"),
    ("Bezoek", "visits.new_visit", "Hangplek bezocht"),
    ("Melding", "concerns.new_concern", "Zorgmelding ontvangen"),
    ("Overdracht", "handoffs.list_handoffs", "Overdragen aan het CJG"),
    ("Kaart", "spots.list_spots", "Hangplekken op de kaart"),
    ("Rapport", "report.show_report", "Pilotevaluatie en jouw inzichten"),
]


# What is new for a role, counted on its navigation: handoffs not yet opened by the CJG; for the worker,
# handoffs with CJG feedback or a status change she has not seen yet.
BADGES = {
    # Handoffs not opened yet, and those with a message from the worker that the assignee (or, before anyone is
    # assigned, the team) has not read; the second count reads the partial index handoffs_cjg_unseen (0016).
    "cjg.inbox": "select (select count(*) from handoffs where status = 'sent') + (select count(*) from handoffs "
                 "indexed by handoffs_cjg_unseen where cjg_news_at > coalesce(cjg_seen_at, '') and (assigned_to = ? or assigned_to is null))",
    # Only for the worker who sent it: feedback and decisions (accepted, declined, closed), not "received";
    # core/activity.py keeps the latest of those on the handoff, and a partial index holds the unseen ones.
    "handoffs.list_handoffs": "select count(*) from handoffs where worker_id = ? and "
                              "worker_news_at > coalesce(worker_seen_at, '')",
}


def nav_items():
    """The navigation entries (endpoint, label, count of new items) for the current user in this build."""
    if not current_user.is_authenticated:
        return []
    db = get_db()
    return [(endpoint, label, db.execute(BADGES[endpoint], [current_user.id] * BADGES[endpoint].count("?"))
             .fetchone()[0] if endpoint in BADGES else 0)
            for endpoint, label in NAV[current_user.role] if endpoint in current_app.view_functions]


def demo_loaded():
    """True while the database holds the synthetic demo year (False when the database cannot answer)."""
    try:
        row = get_db().execute("select value from meta where key = ?", ["demo"]).fetchone()
    except sqlite3.Error:
        return False  # Keep the error page itself working when the database is the problem.
    return bool(row and row[0] == "1")


@bp.route("/")
@allow(*ROLES)
def index():
    """The worker's home page; every other role starts on the page it comes for (the inbox, the report, users)."""
    if HOMES[current_user.role] != "home.index":
        return redirect(url_for(HOMES[current_user.role]))
    actions = [(label, endpoint if endpoint in current_app.view_functions else None, hint)
               for label, endpoint, hint in WORKER_ACTIONS]
    days = current_app.config["CONCERN_REMINDER_DAYS"]
    waiting = get_db().execute("select count(*) from concerns where status in (?, ?) and received_at < ?",
                               [*WAITING_CONCERN, days_ago(days)]).fetchone()[0]
    return render_template("home/worker.html", actions=actions, waiting=waiting, days=days)


def init_app(app):
    """Register the blueprint and the template globals every page needs."""
    app.register_blueprint(bp)
    app.jinja_env.globals.update(nav_items=nav_items, demo_loaded=demo_loaded, nav_breaks=NAV_BREAKS)
    app.jinja_env.filters["localtime"] = localtime
    app.jinja_env.filters["when"] = shown  # Every date on every page: {{ contact.contacted_at|when }}.
    app.jinja_env.filters["day"] = day  # A day without its time: {{ youth.erased_at|day }} → "30 nov 2026".
