"""Bezoeken: the worker passed a spot; who and what was there, in counts, never names."""
from datetime import datetime

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import BooleanField, HiddenField, RadioField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, NumberRange

from ..core import audit, idempotency
from ..core.access import allow
from ..core.crypto import save_sealed, unseal
from ..core.dates import now_local, stamp, within_edit_window
from ..core.db import get_db, get_or_404
from ..core.forms import CountField, GuardedForm, MomentField, not_future, note_length
from .spot_map import last_spot, spot_choices
from .spots import active_spot
from .rounds import presets, round_for_entry
from ..vocab import ATMOSPHERE, choices

bp = Blueprint("visits", __name__, url_prefix="/visits")


class VisitForm(GuardedForm):
    """A visit: spot, when, how many youths, use or dealing seen, atmosphere, ED, a short note."""
    spot = SelectField("Hangplek", validate_choice=False, validators=[DataRequired("Kies de hangplek."), active_spot])
    visited_at = MomentField("Wanneer", validators=[InputRequired("Vul in wanneer."), not_future])
    youths_present = CountField("Aantal jongeren (schatting, 0 = niemand)", validators=[
        InputRequired("Vul een aantal in; 0 als er niemand was."),
        NumberRange(0, 200, "Kies een aantal van 0 tot 200.")])
    use_seen = BooleanField("Gebruik gezien")
    dealing_seen = BooleanField("Dealen gezien")
    atmosphere = RadioField("Sfeer", choices=choices(ATMOSPHERE), default="calm",
                            validators=[DataRequired("Kies de sfeer.")])
    ed_present = BooleanField("Ervaringsdeskundige (ED) was erbij")
    note = TextAreaField("Korte notitie", validators=note_length())
    client_id = idempotency.client_id_field()
    round_id = HiddenField()  # The round it was made in; kept with an entry queued offline (see rounds.py).
    guarded = ("note",)


@bp.route("/")
@allow("worker")
def list_visits():
    """The most recent visits of the team; own ones can be fixed for 24 hours."""
    visits = get_db().query(
        "select v.*, s.name as spot_name from visits v join spots s on s.id = v.spot_id "
        "order by v.visited_at desc limit 50")
    return render_template("visits/list.html", visits=[unseal("visits", v) for v in visits],
                           editable=within_edit_window)


def save_visit(form, visit_id=None):
    """Insert a visit, or update an own one within its 24 hours; with its audit row in one transaction."""
    values = {"spot_id": int(form.spot.data), "visited_at": stamp(form.visited_at.data),
              "youths_present": form.youths_present.data, "use_seen": int(form.use_seen.data),
              "dealing_seen": int(form.dealing_seen.data), "atmosphere": form.atmosphere.data,
              "ed_present": int(form.ed_present.data), "note": (form.note.data or "").strip() or None,
              "round_id": round_for_entry(form.round_id.data, current_user.id)}
    if visit_id:
        return save_sealed("visits", "visit", values, visit_id, worker_id=current_user.id)
    db = get_db()
    with db.atomic():  # The check and the insert in one write transaction: two resends cannot both insert.
        existing, marks = idempotency.resent(db, "visits", form, current_user.id)
        return existing or save_sealed("visits", "visit", values, None, worker_id=current_user.id, **marks)


def render_form(form, visit=None, nearest=False):
    """The visit form; the spot list is built only to render, validation asks the database."""
    form.spot.choices = spot_choices(current_user.id, empty="Kies een hangplek",
                                     keep=visit["spot_id"] if visit else None, chosen=form.spot.data)
    return render_template("visits/form.html", form=form, visit=visit, nearest=nearest)


@bp.route("/new", methods=["GET", "POST"])
@allow("worker")
def new_visit():
    """Log a visit; the spot comes from the link, the phone's position or the last one used."""
    form = VisitForm() if request.method == "POST" else VisitForm(data={
        "spot": request.args.get("spot") or last_spot(current_user.id), "visited_at": now_local(),
        "client_id": idempotency.new_id(), **presets(current_user.id)})
    if form.ready():
        try:
            save_visit(form)
        except idempotency.Conflict as conflict:
            idempotency.refuse(form, conflict)
            return render_form(form), 409
        flash("Bezoek opgeslagen.", "success")
        return redirect(url_for("spots.show_spot", spot_id=int(form.spot.data)))
    return render_form(form, nearest=request.method == "GET" and not request.args.get("spot"))


def own_recent_visit(visit_id):
    """An own visit still inside its 24 hours, or 404: later it is part of the record."""
    visit = unseal("visits", get_or_404("visits", "id = ? and worker_id = ?", [visit_id, current_user.id]))
    if not within_edit_window(visit["created_at"] or "2000-01-01T00:00:00Z"):
        abort(404)
    return visit


@bp.route("/<int:visit_id>/edit", methods=["GET", "POST"])
@allow("worker")
def edit_visit(visit_id):
    """Fix a visit logged by mistake (wrong spot, wrong count) within 24 hours."""
    visit = own_recent_visit(visit_id)
    form = VisitForm(data={**visit, "spot": str(visit["spot_id"]),
                           "visited_at": datetime.strptime(visit["visited_at"], "%Y-%m-%d %H:%M")})
    form.keep_spot = visit["spot_id"]
    if form.ready():
        save_visit(form, visit_id)
        flash("Bezoek bijgewerkt.", "success")
        return redirect(url_for("visits.list_visits"))
    return render_form(form, visit)


@bp.route("/<int:visit_id>/delete", methods=["POST"])
@allow("worker")
def delete_visit(visit_id):
    """Delete an own visit within 24 hours of logging it."""
    own_recent_visit(visit_id)
    db = get_db()
    with db.atomic():
        db["visits"].delete(visit_id)
        audit.record("delete", "visit", visit_id)
    flash("Bezoek verwijderd.", "success")
    return redirect(url_for("visits.list_visits"))


def init_app(app):
    """Register the blueprint."""
    app.register_blueprint(bp)
