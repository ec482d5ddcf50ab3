"""Hangplekken: the map, the list by distance, one spot with its visits and when it is busy."""
import math
from datetime import date

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from ..core import audit, maps
from ..core.access import allow
from ..core.crypto import save_sealed, unseal
from ..core.dates import now_local
from ..core.db import get_db, get_or_404, listed
from ..core.forms import CoordinateField, DayField, GuardedForm, in_netherlands, nl_position, not_future, note_length
from ..vocab import SPOT_KIND, choices
from . import spot_map

bp = Blueprint("spots", __name__, url_prefix="/spots")
WEEKDAYS = ["ma", "di", "wo", "do", "vr", "za", "zo"]
PARTS = ["ochtend", "middag", "avond", "nacht"]  # 6–12, 12–18, 18–24, 0–6
LIST_LENGTH = 30

class SpotForm(GuardedForm):
    """A hangplek: name, kind, position, description, first identified."""
    name = StringField("Naam", validators=[DataRequired("Geef de hangplek een naam."),
                                           Length(max=80, message="Maximaal 80 tekens.")])
    kind = SelectField("Soort plek", choices=choices(SPOT_KIND, "Kies een soort"),
                       validators=[DataRequired("Kies een soort plek.")])
    lat = CoordinateField("Breedtegraad", validators=[InputRequired("Vul de breedtegraad in."), in_netherlands])
    lon = CoordinateField("Lengtegraad", validators=[InputRequired("Vul de lengtegraad in."), in_netherlands])
    description = TextAreaField("Beschrijving", validators=note_length(1000))
    first_identified = DayField("Voor het eerst gezien", validators=[not_future])
    guarded = ("name", "description")
    allow_old = True  # A spot may have been known for years.


def distance_m(lat1, lon1, lat2, lon2):
    """Great-circle distance in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 12742000 * math.asin(math.sqrt(a))


def position(args):
    """The (lat, lon) in the query string when it is a valid Dutch position, else None."""
    return nl_position(args.get("lat"), args.get("lon"))


def get_spot(spot_id):
    """One spot row (its description readable) or 404."""
    return unseal("spots", get_or_404("spots", "id = ?", [spot_id]))


@bp.route("/")
@allow("worker")
def list_spots():
    """The map and the list of spots nearest first (or latest), a page at a time; cost bounded at any size."""
    here = position(request.args)
    page = max(1, min(request.args.get("pagina", 1, type=int), 10_000))
    offset = (page - 1) * LIST_LENGTH
    listed = spot_map.nearest(here, LIST_LENGTH, offset) if here else spot_map.latest(LIST_LENGTH, offset)
    for s in listed if here else ():
        s["distance"] = distance_m(here[0], here[1], s["lat"], s["lon"])
    total = spot_map.active_count()
    # Up to MAP_ALL spots the map carries them all; beyond, this page's and then each view's (map.js asks).
    large = total > spot_map.MAP_ALL  # Then the contacts of the period come after the page, too (map.js asks).
    on_map = listed if large else spot_map.nearest(here, total) if here else spot_map.latest(total)
    start, end = maps.period(request.args)
    m = maps.page(maps.spots_map(), map_spots=maps.spot_rows(on_map),
                  map_contacts=None if large else spot_map.contact_layer(start, end),
                  map_options={"spot_url": url_for("spots.show_spot", spot_id=0)[:-1],
                               "new_url": url_for("spots.new_spot"), "center": here and list(here),
                               "view_url": url_for("spot_map.in_view") if large else None,
                               "contacts_url": url_for("spot_map.contacts", van=start.isoformat(),
                                                       tot=end.isoformat()) if large else None})
    return render_template("spots/list.html", spots=listed, total=total, page=page, first=offset + 1,
                           archived_total=spot_map.active_count(archived=True),
                           map=m, here=here, start=start, end=end, kinds=SPOT_KIND, layer_max=spot_map.LAYER_MAX)


# Off the partial index spots_archived_by_name (migration 0023): the archive costs the same however many spots are in use.
ARCHIVED = ("select id, name, kind, archived_at from spots where archived_at is not null order by name "
            "limit ? offset ?")


@bp.route("/archief")
@allow("worker")
def archived_spots():
    """The archived spots by name, a page at a time (the map page only links here: its cost stays bounded)."""
    page = max(1, min(request.args.get("pagina", 1, type=int), 10_000))
    rows = listed(get_db().query(ARCHIVED, [LIST_LENGTH + 1, (page - 1) * LIST_LENGTH]))
    return render_template("spots/archive.html", spots=rows[:LIST_LENGTH], page=page, more=len(rows) > LIST_LENGTH)


@bp.route("/new", methods=["GET", "POST"])
@allow("worker")
def new_spot():
    """Add a spot: by tapping the map (position in the link), by 'Gebruik mijn locatie' or by typing."""
    form = SpotForm(data={"lat": request.args.get("lat", type=float), "lon": request.args.get("lon", type=float),
                          "first_identified": now_local().date()})
    if form.ready():
        spot_id = save_spot(form)
        flash("Hangplek opgeslagen.", "success")
        return redirect(url_for("spots.show_spot", spot_id=spot_id))
    return spot_form(form, None)


def spot_form(form, spot):
    """The spot form with its small map to check the pin: our own Leaflet, the configured tiles (invariant 7)."""
    options = {"tiles": current_app.config["TILE_URL"], "attribution": current_app.config["TILE_ATTRIBUTION"],
               "center": list(maps.HEERDE)}
    return render_template("spots/form.html", form=form, spot=spot, pick_options=options,
                           leaflet_js=maps.vendor_url(maps.LEAFLET, "leaflet.js"),
                           leaflet_css=maps.vendor_url(maps.LEAFLET, "leaflet.css"))


def save_spot(form, spot_id=None):
    """Insert or update a spot from a valid form; returns its id."""
    values = {"name": form.name.data.strip(), "kind": form.kind.data, "lat": round(form.lat.data, 6),
              "lon": round(form.lon.data, 6), "description": (form.description.data or "").strip() or None,
              "first_identified": form.first_identified.data.isoformat() if form.first_identified.data else None}
    return save_sealed("spots", "spot", values, spot_id, created_by=current_user.id)


@bp.route("/<int:spot_id>/edit", methods=["GET", "POST"])
@allow("worker")
def edit_spot(spot_id):
    """Change a spot's details."""
    spot = get_spot(spot_id)
    first = spot["first_identified"]
    form = SpotForm(data={**spot, "first_identified": date.fromisoformat(first) if first else None})
    if form.ready():
        save_spot(form, spot_id)
        flash("Hangplek bijgewerkt.", "success")
        return redirect(url_for("spots.show_spot", spot_id=spot_id))
    return spot_form(form, spot)


@bp.route("/<int:spot_id>/archive", methods=["POST"])
@allow("worker")
def archive_spot(spot_id):
    """Archive a spot that is no longer used (it leaves the map, its history stays), or bring it back."""
    archive = request.form.get("archive") == "1"  # The button says what it wants: a second tap changes nothing.
    db = get_db()
    with db.atomic():
        spot = get_spot(spot_id)
        if bool(spot["archived_at"]) != archive:
            db["spots"].update(spot_id, {"archived_at": audit.utcnow() if archive else None})
            audit.record("update", "spot", spot_id, result="archived" if archive else "reactivated")
    flash("Hangplek gearchiveerd." if archive else "Hangplek is weer actief.", "success")
    return redirect(url_for("spots.show_spot", spot_id=spot_id))


def busy_grid(spot_id):
    """Weekday × part of day: average youths present per visit and number of contacts."""
    part = ("case when cast(substr({col}, 12, 2) as int) < 6 then 3 when cast(substr({col}, 12, 2) as int) < 12 "
            "then 0 when cast(substr({col}, 12, 2) as int) < 18 then 1 else 2 end")
    # strftime('%w') counts from Sunday = 0; shift so Monday is the first row.
    day = "(cast(strftime('%w', {col}) as int) + 6) % 7"
    db = get_db()
    grid = [[{"visits": 0, "present": 0.0, "contacts": 0} for _ in PARTS] for _ in WEEKDAYS]
    # day and part are constant SQL with a fixed column name; the spot is a bound parameter (hence nosec B608).
    for wd, pd, n, avg in db.execute(
            f"select {day.format(col='visited_at')}, {part.format(col='visited_at')}, count(*), avg(youths_present) "
            "from visits where spot_id = ? group by 1, 2", [spot_id]).fetchall():  # nosec B608
        grid[wd][pd].update(visits=n, present=avg)
    for wd, pd, n in db.execute(
            f"select {day.format(col='contacted_at')}, {part.format(col='contacted_at')}, count(*) "
            "from contacts where spot_id = ? and replaced_by is null group by 1, 2", [spot_id]).fetchall():  # nosec B608
        grid[wd][pd]["contacts"] = n
    top = max([c["present"] for row in grid for c in row] + [0.1])
    for row in grid:
        for cell in row:
            cell["level"] = 0 if not cell["visits"] else 1 + min(3, int(3 * cell["present"] / top))
    return grid


@bp.route("/<int:spot_id>")
@allow("worker")
def show_spot(spot_id):
    """One spot: details, recent visits and when it is busy."""
    spot = get_spot(spot_id)
    visits = get_db().query(
        "select v.*, u.username, u.full_name, u.role from visits v join users u on u.id = v.worker_id "
        "where v.spot_id = ? order by v.visited_at desc limit 20", [spot_id])
    return render_template("spots/show.html", spot=spot, visits=[unseal("visits", v) for v in visits],
                           grid=busy_grid(spot_id), weekdays=WEEKDAYS, parts=PARTS)


def init_app(app):
    """Register the blueprint and its map data routes."""
    app.register_blueprint(bp)
    spot_map.init_app(app)


def active_spot(form, field):
    """Validator: the chosen spot exists and is not archived (one query, not the whole list)."""
    if field.data and str(field.data) == str(getattr(form, "keep_spot", None)):
        return  # An entry's own spot stays valid when it was archived after the entry was made.
    chosen = str(field.data or "")
    if chosen and not get_db().execute("select 1 from spots where id = ? and archived_at is null",
                                       [chosen if chosen.isdigit() and len(chosen) < 19 else -1]).fetchone():
        raise ValidationError("Kies een hangplek uit de lijst.")
