"""Spots in reach of a page at any size: the nearest ones, a name search, and the spots (or clusters) in a map view.

Why: a page that carries every spot grows with the municipality (a thousand spots made the contact form and
the map page hundreds of kilobytes). Pages now carry a bounded number of spots; the rest are asked for.
"""
import math

from flask import Blueprint, jsonify, request

from ..core import maps
from ..core.access import allow
from ..core.db import get_db
from ..core.forms import nl_position

bp = Blueprint("spot_map", __name__, url_prefix="/spots")
MAP_ALL = 300  # Up to this many active spots the map page carries them all; beyond, the map asks per view.
GRID = 8  # A crowded view comes back as at most GRID × GRID clusters.
COLUMNS = "select id, name, kind, lat, lon, archived_at, visits, last_visit, contacts, last_active from spots "
# Planar distance with the longitude shrunk by cos(latitude): at a municipality's scale it orders like the
# great-circle distance, and SQLite computes it without a Python call per spot.
BY_DISTANCE = "order by (lat - ?) * (lat - ?) + (lon - ?) * (lon - ?) * ? limit ? offset ?"


def nearest(here, limit, offset=0, name=""):
    """The active spots nearest to here (lat, lon), nearest first; only those whose name holds name, if given."""
    lat, lon = here
    shrink = math.cos(math.radians(lat)) ** 2
    return [dict(r) for r in get_db().query(COLUMNS + "where archived_at is null and name like ? " + BY_DISTANCE,
                                            [f"%{name}%", lat, lat, lon, lon, shrink, limit, offset])]


def latest(limit, offset=0):
    """The active spots by last activity (never-used ones last, by name), read straight off their index."""
    return [dict(r) for r in get_db().query(COLUMNS + "where archived_at is null "
                                            "order by last_active desc, name limit ? offset ?", [limit, offset])]


def active_count():
    """How many spots are active."""
    return get_db().execute("select count(*) from spots where archived_at is null").fetchone()[0]


def bbox(args):
    """(south, west, north, east) from ?bbox=s,w,n,e when it is a sane box, else None."""
    try:
        s, w, n, e = (float(v) for v in args.get("bbox", "").split(","))
    except ValueError:
        return None
    if not (-90 <= s < n <= 90 and -180 <= w < e <= 180):
        return None
    return s, w, n, e


@bp.route("/kaart.json")
@allow("worker")
def in_view():
    """The active spots inside the map's view, or GRID × GRID clusters of them when there are more than MAP_ALL."""
    box = bbox(request.args)
    if not box:
        return jsonify({"error": "Ongeldig kaartvenster."}), 400
    s, w, n, e = box
    inside = "from spots where archived_at is null and lat between ? and ? and lon between ? and ? "
    values = [s, n, w, e]
    db = get_db()
    if db.execute("select count(*) " + inside, values).fetchone()[0] <= MAP_ALL:
        rows = db.query(COLUMNS.replace(" from spots ", " ") + inside, values)
        return jsonify({"spots": maps.spot_rows(rows), "clusters": []})
    cells = db.query(
        "select round(avg(lat), 5) as lat, round(avg(lon), 5) as lon, count(*) as n " + inside
        + "group by min(cast((lat - ?) / ? as int), ?), min(cast((lon - ?) / ? as int), ?)",
        values + [s, (n - s) / GRID, GRID - 1, w, (e - w) / GRID, GRID - 1])
    return jsonify({"spots": [], "clusters": [[c["lat"], c["lon"], c["n"]] for c in cells]})


@bp.route("/zoek.json")
@allow("worker")
def search():
    """Up to 10 active spots whose name holds ?q (nearest first when ?lat/?lon is a position), for the contact form."""
    q = request.args.get("q", "").strip()[:80]
    here = nl_position(request.args.get("lat"), request.args.get("lon"))
    if here:
        rows = nearest(here, 10, name=q)
    else:
        rows = get_db().query("select id, name, lat, lon from spots where archived_at is null and name like ? "
                              "order by last_active desc, name limit 10", [f"%{q}%"])
    return jsonify([[r["id"], r["name"], round(r["lat"], 5), round(r["lon"], 5)] for r in rows])


def init_app(app):
    """Register the blueprint."""
    app.register_blueprint(bp)
