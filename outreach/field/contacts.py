"""Contactmomenten: one tap from home to a saved contact, all details optional; corrections keep the original."""
import json
from datetime import datetime, timedelta

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import BooleanField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from ..core import audit, idempotency, notices
from ..core.access import allow
from ..core.crypto import seal, unseal
from ..core.dates import now_local, stamp, within_edit_window
from ..core.db import get_db, get_or_404
from ..core.forms import CountField, MomentField, arg_id, nl_position, not_future, note_length
from .spot_map import last_spot, spot_choices
from .spots import active_spot
from .rounds import presets, round_for_entry
from ..vocab import CONTACT_KIND, SUBSTANCE, TOPIC, choices
from ..core.forms import MultiCheckboxField
from ..core.youth import NewYouthFields

bp = Blueprint("contacts", __name__, url_prefix="/contacts")

# Fixed statements with named parameters: sqlite-utils' insert re-read the schema three times, wrapped a savepoint
# and built its SQL on every save (a sixth of the save's own cost, bench/field.py). Columns a form leaves out are
# NULL, as they were with sqlite-utils (which only named the keys it was given).
INSERT_CONTACT = (
    "insert into contacts (spot_id, lat, lon, contacted_at, kind, youths_present, topics, substances, ed_present, "
    "duration_min, note, round_id, worker_id, created_at, corrects_id, client_id, client_hash) values (:spot_id, "
    ":lat, :lon, :contacted_at, :kind, :youths_present, :topics, :substances, :ed_present, :duration_min, :note, "
    ":round_id, :worker_id, :created_at, :corrects_id, :client_id, :client_hash)")
INSERT_LINK = "insert into contact_youths (contact_id, youth_id) values (?, ?)"


class ContactForm(NewYouthFields):
    """A contact: everything has a default, so 'Opslaan' alone is a valid minimal contact."""
    contacted_at = MomentField("Wanneer", validators=[InputRequired("Vul in wanneer."), not_future])
    spot = SelectField("Hangplek", validate_choice=False, validators=[Optional(), active_spot])
    # Filled by the phone's GPS, never typed: a bad or half fix is dropped in gps_position(), not refused.
    lat = HiddenField()
    lon = HiddenField()
    kind = RadioField("Soort contact", choices=choices(CONTACT_KIND), default="street",
                      validators=[InputRequired("Kies het soort contact.")])
    youths_present = CountField("Aantal jongeren", default=1, validators=[
        InputRequired("Vul het aantal jongeren in."), NumberRange(1, 100, "Kies een aantal van 1 tot 100.")])
    youths = MultiCheckboxField("Bekende jongeren", coerce=int, validate_choice=False)
    other_codes = StringField("Andere jongere (code)", validators=[Optional(), Length(max=200)])
    topics = MultiCheckboxField("Onderwerpen", choices=choices(TOPIC))
    substances = MultiCheckboxField("Genoemde middelen", choices=choices(SUBSTANCE))
    ed_present = BooleanField("Ervaringsdeskundige (ED) erbij")
    duration_min = CountField("Duur in minuten", validators=[Optional(), NumberRange(1, 480, "Kies 1 tot 480 minuten.")])
    note = TextAreaField("Notitie", validators=note_length())
    client_id = idempotency.client_id_field()
    round_id = HiddenField()  # The round it was made in; kept with an entry queued offline (see rounds.py).
    guarded = ("note", "new_alias")

    def validate_youths(self, field):
        """Ticked youths must exist and not have been merged away."""
        ids = field.data or []
        if not ids:
            return
        found = get_db().execute("select count(*) from youths where merged_into is null and id in "
                                 "(select value from json_each(?))", [json.dumps(ids)]).fetchone()[0]
        if found != len(set(ids)):
            raise ValidationError("Een van de gekozen jongeren bestaat niet (meer).")

    def validate_other_codes(self, field):
        """Every typed code must be an existing, active youth."""
        self.other_ids = []
        for code in filter(None, (c.strip().upper() for c in (field.data or "").replace(";", ",").split(","))):
            row = get_db().execute("select id from youths where code = ? and merged_into is null", [code]).fetchone()
            if not row:
                raise ValidationError(f"Onbekende code: {code}.")
            self.other_ids.append(row[0])


def as_json(codes):
    """A list of codes as stored (JSON text); most contacts name none, so '[]' needs no encoder run."""
    return json.dumps(codes) if codes else "[]"


def gps_position(form):
    """(lat, lon) when the phone sent a usable position in the Netherlands, else (None, None)."""
    return nl_position(form.lat.data, form.lon.data) or (None, None)


def youth_choices(spot_id, extra=()):
    """Youths to tick: the ones seen at this spot in the last 60 days first, then recent ones elsewhere.

    Read from the latest 300 contacts at the spot and overall (two index ranges), not every contact of 60 days.
    """
    since = stamp(now_local() - timedelta(days=60))
    spot = int(spot_id) if str(spot_id or "").isdigit() and len(str(spot_id)) < 19 else 0
    rows = get_db().query(
        "select y.id, y.code, y.alias, max(x.here) as here, max(x.at) as last from ("
        "select * from (select id, contacted_at as at, 1 as here from contacts where spot_id = ? "
        "and replaced_by is null and contacted_at >= ? order by contacted_at desc limit 300) union all "
        "select * from (select id, contacted_at, 0 from contacts where replaced_by is null and contacted_at >= ? "
        "order by contacted_at desc limit 300)) x join contact_youths cy on cy.contact_id = x.id "
        "join youths y on y.id = cy.youth_id where y.merged_into is null "
        "group by y.id order by here desc, last desc limit 12", [spot, since, since])
    found = {r["id"]: f"{r['code']} · {r['alias']}" for r in rows}
    for row in get_db().query("select id, code, alias from youths where id in (select value from json_each(?))",
                              [json.dumps(list(extra))]):
        found.setdefault(row["id"], f"{row['code']} · {row['alias']}")
    return list(found.items())


def fill_choices(form, extra=(), keep_spot=None):
    """Set the spot and youth options for rendering (validation asks the database, not these lists)."""
    form.spot.choices = spot_choices(current_user.id, keep=keep_spot, chosen=form.spot.data)
    form.youths.choices = youth_choices(form.spot.data, list(extra) + list(form.youths.data or []))
    if form.youths.choices:  # Aliases are youth data on screen: the read is audited (invariant 4).
        audit.record("view", "youth", None, result=f"list of {len(form.youths.choices)} on contact form")


def save(form, replace=None, correct=None):
    """Store a contact (and a quick-added youth) in one transaction.

    replace: an own contact still inside its 24 hours, changed in place;
    correct: an older one, kept as it was and pointing to the new row that corrects it.
    """
    db, worker = get_db(), current_user._get_current_object()  # Looked up once, not through the proxy each time.
    with db.atomic():
        # A resend of an entry already saved: the same row, nothing new (not even its new youth).
        existing, marks = (None, {}) if replace or correct else idempotency.resent(db, "contacts", form, worker.id)
        if existing:
            return existing
        youth_ids = list(dict.fromkeys((form.youths.data or []) + getattr(form, "other_ids", [])))
        new_youth = form.create_new_youth(db)
        if new_youth:
            youth_ids.append(new_youth)
        lat, lon = gps_position(form)
        values = seal("contacts", {
            "spot_id": int(form.spot.data) if form.spot.data else None,
            "lat": lat, "lon": lon, "contacted_at": stamp(form.contacted_at.data),
            "kind": form.kind.data, "youths_present": max(form.youths_present.data, len(youth_ids)),
            "topics": as_json(form.topics.data), "substances": as_json(form.substances.data),
            "ed_present": int(form.ed_present.data), "duration_min": form.duration_min.data,
            "note": (form.note.data or "").strip() or None,
            "round_id": round_for_entry(form.round_id.data, worker.id),
        })
        if replace:
            contact_id = replace["id"]
            db["contacts"].update(contact_id, values)
            db.execute("delete from contact_youths where contact_id = ?", [contact_id])
        else:
            contact_id = db.execute(INSERT_CONTACT, {
                **values, "worker_id": worker.id, "created_at": audit.utcnow(),
                "corrects_id": correct["id"] if correct else None, "client_id": None, "client_hash": None,
                **marks}).lastrowid
        if youth_ids:
            db.conn.executemany(INSERT_LINK, [(contact_id, y) for y in youth_ids])
        if correct:
            db["contacts"].update(correct["id"], {"replaced_by": contact_id})
        audit.record("create" if not (replace or correct) else "update", "contact", contact_id,
                     result=f"corrects {correct['id']}" if correct else "ok", actor=worker, db=db)
    return contact_id


@bp.route("/new", methods=["GET", "POST"])
@allow("worker")
def new_contact():
    """The contact form: defaults everywhere, nearest spot preselected, so two taps log a contact."""
    youth = arg_id("youth") if request.query_string else None  # A save posts no query: nothing to parse.
    # The phone may pick the nearest spot only on a fresh form where nobody chose one yet.
    nearest = request.method == "GET" and not request.args.get("spot")
    form = ContactForm() if request.method == "POST" else ContactForm(data={
        "contacted_at": now_local(), "spot": request.args.get("spot") or last_spot(current_user.id),
        "youths": [youth] if youth else [], "client_id": idempotency.new_id(), **presets(current_user.id)})
    if form.ready():
        try:
            save(form)
        except idempotency.Conflict as conflict:
            idempotency.refuse(form, conflict)
            fill_choices(form, [youth] if youth else [])
            return render_template("contacts/form.html", form=form, contact=None, nearest=False), 409
        # The confirmation rides in a cookie of its own: a flash would re-sign the session twice (core.notices).
        return notices.home("contact", form.contacted_at.data)
    fill_choices(form, [youth] if youth else [])
    return render_template("contacts/form.html", form=form, contact=None, nearest=nearest)


def own_contact(contact_id):
    """A current contact of the logged-in worker, or 404 (someone else's is not hers to change)."""
    return unseal("contacts", get_or_404("contacts", "id = ? and worker_id = ? and replaced_by is null",
                                         [contact_id, current_user.id]))


def editable(contact):
    """True during the first 24 hours after saving, when a contact may still be changed or deleted."""
    return within_edit_window(contact["created_at"])


@bp.route("/<int:contact_id>/edit", methods=["GET", "POST"])
@allow("worker")
def edit_contact(contact_id):
    """Change an own contact; after 24 hours the change is saved as a correction and the original kept."""
    contact = own_contact(contact_id)
    links = [r[0] for r in get_db().execute("select youth_id from contact_youths where contact_id = ?", [contact_id])]
    form = ContactForm(data={**contact, "spot": str(contact["spot_id"] or ""), "youths": links,
                             "contacted_at": datetime.strptime(contact["contacted_at"], "%Y-%m-%d %H:%M"),
                             "topics": json.loads(contact["topics"]), "substances": json.loads(contact["substances"])})
    form.allow_old = True  # An entry keeps its own moment, however long ago; only the year-2000 floor applies.
    form.keep_spot = contact["spot_id"]  # Its spot may have been archived since; it stays valid here.
    if form.ready():
        if editable(contact):
            save(form, replace=contact)
        else:
            save(form, correct=contact)
        flash("Contact bijgewerkt.", "success")
        return redirect(url_for("contacts.list_contacts"))
    fill_choices(form, links, keep_spot=contact["spot_id"])
    return render_template("contacts/form.html", form=form, contact=contact, nearest=False,
                           correction=not editable(contact))


@bp.route("/<int:contact_id>/delete", methods=["POST"])
@allow("worker")
def delete_contact(contact_id):
    """Delete an own contact within 24 hours of saving it (a mistake); later only a correction is possible."""
    contact = own_contact(contact_id)
    if not editable(contact):
        flash("Na 24 uur kun je een contact niet meer verwijderen; pas het aan als correctie.", "error")
        return redirect(url_for("contacts.list_contacts"))
    db = get_db()
    with db.atomic():
        db.execute("delete from contact_youths where contact_id = ?", [contact_id])
        # Deleting a correction brings back the contact it corrected.
        db.execute("update contacts set replaced_by = null where replaced_by = ?", [contact_id])
        db["contacts"].delete(contact_id)
        audit.record("delete", "contact", contact_id)
    flash("Contact verwijderd.", "success")
    return redirect(url_for("contacts.list_contacts"))


@bp.route("/")
@allow("worker")
def list_contacts():
    """The team's latest contacts; own ones can be changed."""
    rows = get_db().query(
        "select c.*, s.name as spot_name, u.username, u.full_name, u.role, (select group_concat(y.code, ', ') from contact_youths cy "
        "join youths y on y.id = cy.youth_id where cy.contact_id = c.id) as codes from contacts c "
        "left join spots s on s.id = c.spot_id join users u on u.id = c.worker_id "
        "where c.replaced_by is null order by c.contacted_at desc limit 50")
    return render_template("contacts/list.html", contacts=[unseal("contacts", r) for r in rows], editable=editable)


def init_app(app):
    """Register the blueprint."""
    app.register_blueprint(bp)
