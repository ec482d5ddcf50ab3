"""Bezoeken: the worker passed a spot; who and what was there, in counts, never names."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import BooleanField, RadioField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, NumberRange

from . import audit
from .access import allow
from .db import get_db
from .forms import CountField, GuardedForm, MomentField, choices, not_future, note_length, now_local, stamp
from .spots import active_spot, last_spot, spot_choices

bp = Blueprint("visits", __name__, url_prefix="/visits")
ATMOSPHERES = ["rustig", "ontspannen", "gespannen", "onrustig"]


class VisitForm(GuardedForm):
    """A visit: spot, when, how many youths, use or dealing seen, atmosphere, ED, a short note."""
    spot = SelectField("Hangplek", validate_choice=False, validators=[DataRequired("Kies de hangplek."), active_spot])
    visited_at = MomentField("Wanneer", validators=[InputRequired("Vul in wanneer."), not_future])
    youths_present = CountField("Aantal jongeren (schatting, 0 = niemand)", validators=[
        InputRequired("Vul een aantal in; 0 als er niemand was."),
        NumberRange(0, 200, "Kies een aantal van 0 tot 200.")])
    use_seen = BooleanField("Gebruik gezien")
    dealing_seen = BooleanField("Dealen gezien")
    atmosphere = RadioField("Sfeer", choices=choices(ATMOSPHERES), default="rustig",
                            validators=[DataRequired("Kies de sfeer.")])
    ed_present = BooleanField("Ervaringsdeskundige (ED) was erbij")
    note = TextAreaField("Korte notitie", validators=note_length())
    guarded = ("note",)


@bp.route("/")
@allow("worker")
def list_visits():
    """The most recent visits of the team."""
    visits = get_db().query(
        "select v.*, s.name as spot_name from visits v join spots s on s.id = v.spot_id "
        "order by v.visited_at desc limit 50")
    return render_template("visits/list.html", visits=list(visits))


@bp.route("/new", methods=["GET", "POST"])
@allow("worker")
def new_visit():
    """Log a visit; the spot comes from the link, the phone's position or the last one used."""
    form = VisitForm() if request.method == "POST" else VisitForm(data={
        "spot": request.args.get("spot") or last_spot(current_user.id), "visited_at": now_local()})
    if form.ready():
        db = get_db()
        with db.atomic():
            visit_id = db["visits"].insert({
                "spot_id": int(form.spot.data), "worker_id": current_user.id,
                "visited_at": stamp(form.visited_at.data), "youths_present": form.youths_present.data,
                "use_seen": int(form.use_seen.data), "dealing_seen": int(form.dealing_seen.data),
                "atmosphere": form.atmosphere.data, "ed_present": int(form.ed_present.data),
                "note": (form.note.data or "").strip() or None, "created_at": audit.utcnow(),
            }).last_pk
            audit.record("create", "visit", visit_id)
        flash("Bezoek opgeslagen.", "success")
        return redirect(url_for("spots.show_spot", spot_id=int(form.spot.data)))
    form.spot.choices = spot_choices(empty="Kies een hangplek")  # Only to render: validation asks the database.
    return render_template("visits/form.html", form=form)


def init_app(app):
    """Register the blueprint."""
    app.register_blueprint(bp)
