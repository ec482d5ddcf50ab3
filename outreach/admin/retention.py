"""Retention (invariant 5): terms per kind of record, set by the admin, and `purge`, which erases what is due.

What the pilot report counts survives a purge: contacts, visits, concerns and handoffs keep their dates,
kinds and outcomes, and the monthly roll-ups are frozen while links between youths and contacts are cut,
so the report gives the same figures before and after. What goes is text and what identifies.
"""
from contextlib import contextmanager
from datetime import timezone

from flask import Blueprint, flash, redirect, render_template, url_for
from wtforms import IntegerField
from wtforms.validators import InputRequired, NumberRange

from ..core import audit, reporters
from ..core.access import allow
from ..core.db import fold_wal, get_db
from ..core.dates import LOCAL, now_local, stamp
from ..core.forms import Form
from .users import last_run

bp = Blueprint("retention", __name__, url_prefix="/admin/retention")

# key, what, default months, counted from
TERMS = [
    ("notes", "Vrije tekst bij contacten en bezoeken", 12, "het contact of bezoek"),
    ("concern_text", "Tekst van afgesloten zorgmeldingen (zorg en feiten)", 12, "het afsluiten"),
    ("handoff_identity", "Naam, geboortedatum, telefoon en adres in overdrachten", 3, "het afsluiten of afwijzen"),
    ("handoff_text", "Tekst van afgesloten overdrachten (reden, feiten, samenvatting, tijdlijn)", 12,
     "het afsluiten of afwijzen"),
    ("youths", "Profiel van een jongere zonder activiteit (bijnaam, risicosignalen, koppelingen)", 24,
     "de laatste activiteit"),
    ("audit", "Auditlog", 60, "de gebeurtenis"),
]
DEFAULTS = {key: months for key, _, months, _ in TERMS}
FROZEN = "rollups_frozen"  # While this meta key exists, the report's roll-up triggers leave the counts alone.


def terms(db=None):
    """The retention term in months per kind of record: the admin's setting, else the default."""
    stored = dict((db or get_db()).execute("select key, value from meta where key like 'retention.%'").fetchall())
    return {key: int(stored.get(f"retention.{key}", months)) for key, months in DEFAULTS.items()}


def months_before(moment, months):
    """The same wall-clock moment `months` months earlier (the day clipped to the month's length)."""
    index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(index, 12)
    day = min(moment.day, [31, 29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28, 31, 30, 31, 30,
                           31, 31, 30, 31, 30, 31][month])
    return moment.replace(year=year, month=month + 1, day=day)


# Each step: (term, SQL with one cutoff parameter). Local moments compare as 'YYYY-MM-DD HH:MM' text.
STEPS = [
    ("notes", "update contacts set note = null where note is not null and contacted_at < ?"),
    ("notes", "update visits set note = null where note is not null and visited_at < ?"),
    ("concern_text", "update concerns set worry = null, facts = null where closed_at < ? "
                     "and (worry is not null or facts is not null)"),
    ("handoff_identity", "update handoffs set full_name = null, birth_date = null, phone = null, address = null "
                         "where coalesce(closed_at, declined_at) < ? and coalesce(full_name, birth_date, phone, "
                         "address) is not null"),
    ("handoff_text", "update handoffs set reason = '', facts = '', summary = null, decline_reason = null "
                     "where coalesce(closed_at, declined_at) < ? and (reason != '' or facts != '' "
                     "or summary is not null or decline_reason is not null)"),
    ("handoff_text", "update handoff_events set text = null where text is not null and handoff_id in "
                     "(select id from handoffs where coalesce(closed_at, declined_at) < ?)"),
]
# A youth's last sign of life: contacts, concerns, handoffs, stage changes, or the profile itself.
INACTIVE = (
    "select y.id from youths y where y.erased_at is null and max(substr(y.created_at, 1, 10), "
    "coalesce((select max(c.contacted_at) from contact_youths cy join contacts c on c.id = cy.contact_id "
    "where cy.youth_id = y.id), ''), coalesce((select max(received_at) from concerns where youth_id = y.id), ''), "
    "coalesce((select max(coalesce(closed_at, declined_at, sent_at)) from handoffs where youth_id = y.id), ''), "
    "coalesce((select max(set_at) from youth_stages where youth_id = y.id), '')) < ?")


def family(db, youth_id):
    """The youth and every profile merged into it (a duplicate keeps its own alias until it is erased too)."""
    return [r[0] for r in db.execute(
        "with recursive f(id) as (select ? union select y.id from youths y join f on y.merged_into = f.id) "
        "select id from f", [youth_id])]


def anonymise_youth(db, youth_id):
    """Cut a youth (and its merged duplicates) loose from what could identify them; the report's counts stay.

    Call inside `with db.atomic(), frozen(db):` so the roll-ups keep counting the cut links.
    """
    counts = {"notes": 0, "links": 0}
    for one in family(db, youth_id):
        for key, value in _anonymise_one(db, one).items():
            counts[key] += value
    return counts


def _anonymise_one(db, youth_id):
    """Erase one profile's alias, signals, notes, texts and links."""
    counts = {}
    db.execute("update youths set alias = null, risk_signals = '[]', erased_at = ? where id = ?",
               [audit.utcnow(), youth_id])
    # A group note may name this youth too: it goes with them (the others' own notes are their contacts').
    counts["notes"] = db.execute(
        "update contacts set note = null where note is not null and id in (select contact_id from contact_youths "
        "where youth_id = ?)", [youth_id]).rowcount
    counts["links"] = db.execute("delete from contact_youths where youth_id = ?", [youth_id]).rowcount
    db.execute("update concerns set worry = null, facts = null where youth_id = ?", [youth_id])
    # The reporter store commits this before the caller's transaction: erased even if that one fails.
    reporters.erase(db, [r[0] for r in db.execute("select id from concerns where youth_id = ?", [youth_id])])
    db.execute("update handoffs set full_name = null, birth_date = null, phone = null, address = null, reason = '', "
               "facts = '', summary = null, decline_reason = null where youth_id = ?", [youth_id])
    db.execute("update handoff_events set text = null where handoff_id in (select id from handoffs "
               "where youth_id = ?)", [youth_id])
    return counts


@contextmanager
def frozen(db):
    """Inside the caller's transaction: the report's roll-ups keep their counts while their sources change."""
    db.execute("insert or replace into meta (key, value) values (?, '1')", [FROZEN])
    try:
        yield
    finally:
        db.execute("delete from meta where key = ?", [FROZEN])


def purge(db, now=None):
    """Erase everything whose term has passed; returns {what: rows}. One transaction, then the WAL folded in."""
    now = now or now_local()
    limits = terms(db)
    cutoff = {key: stamp(months_before(now, months)) for key, months in limits.items()}
    done = {}
    with db.atomic(), frozen(db):
        for key, sql in STEPS:
            done[key] = done.get(key, 0) + db.execute(sql, [cutoff[key]]).rowcount
        done["reporters"] = reporters.sweep(db)  # Also rows a failed save left behind (concern gone).
        youths = [r[0] for r in db.execute(INACTIVE, [cutoff["youths"]])]
        for youth_id in youths:
            anonymise_youth(db, youth_id)
        done["youths"] = len(youths)
        # The audit log refuses deletes except of rows older than the cutoff written here (see schema 0007).
        utc = now.replace(tzinfo=LOCAL).astimezone(timezone.utc)
        audit_cutoff = months_before(utc, limits["audit"]).strftime("%Y-%m-%dT%H:%M:%SZ")
        db.execute("insert or replace into meta (key, value) values ('audit_delete_before', ?)", [audit_cutoff])
        done["audit"] = db.execute("delete from audit_log where at < ?", [audit_cutoff]).rowcount
        db.execute("delete from meta where key = 'audit_delete_before'")
        audit.record("purge", "retention", None, result=", ".join(f"{k} {v}" for k, v in done.items()), db=db)
    fold_wal(db)
    db.execute("PRAGMA optimize")  # Once a day anyway: keep the query planner's statistics current.
    return done


class TermsForm(Form):
    """One number of months per kind of record."""


# The audit log accounts for who saw what: it may not be emptied from the page (at least one year).
MINIMUM = {"audit": 12}
for _key, _what, _months, _since in TERMS:
    _least = MINIMUM.get(_key, 0)
    setattr(TermsForm, _key, IntegerField(_what, validators=[
        InputRequired("Vul een aantal maanden in."),
        NumberRange(_least, 120, f"Kies {_least} tot 120 maanden.")]))


@bp.route("/", methods=["GET", "POST"])
@allow("admin")
def edit_terms():
    """The admin sets the retention terms; the page also says when each term counts from."""
    db = get_db()
    form = TermsForm(data=terms(db))
    if form.validate_on_submit():
        before = terms(db)
        with db.atomic():
            db["meta"].upsert_all([{"key": f"retention.{key}", "value": str(form[key].data)} for key in DEFAULTS],
                                  pk="key")
            changed = [f"{key} {before[key]}→{form[key].data}" for key in DEFAULTS if before[key] != form[key].data]
            audit.record("update", "retention", None, result=", ".join(changed) or "ongewijzigd", db=db)
        flash("Bewaartermijnen opgeslagen.", "success")
        return redirect(url_for("retention.edit_terms"))
    last = last_run("purge")  # In words, as on the admin home; the audit log keeps the codes.
    return render_template("retention/terms.html", form=form, terms=TERMS, last=last)


def init_app(app):
    """Register the blueprint and the purge command."""
    app.register_blueprint(bp)
