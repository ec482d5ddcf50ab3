"""Spots in reach of a page at any size: the nearest ones, a name search, and the spots (or clusters) in a map view.

Why: a page that carries every spot grows with the municipality (a thousand spots made the contact form and
the map page hundreds of kilobytes). Pages now carry a bounded number of spots; the rest are asked for.
"""
import json
import math

from flask import Blueprint, g, jsonify, request
from wtforms.fields.choices import SelectChoice

from ..core import maps
from ..core.access import allow
from ..core.db import get_db
from ..core.forms import nl_position

bp = Blueprint("spot_map", __name__, url_prefix="/spots")
MAP_ALL = 300  # Up to this many active spots the map page carries them all; beyond, the map asks per view.
GRID = 8  # A crowded view comes back as at most GRID × GRID clusters.
COLUMNS = "select id, name, kind, lat, lon, archived_at, visits, last_visit, contacts, last_active from spots "
# Distances are planar with the longitude shrunk by cos(latitude): at a municipality's scale that orders like
# the great-circle distance, and SQLite computes it without a Python call per spot.


def nearest(here, limit, offset=0, name=""):
    """The active spots nearest to here (lat, lon), nearest first; only those whose name holds name, if given.

    Looks in a box around here first (the index on lat), widening it until the last spot wanted lies within the
    box's inner circle, so that no spot outside it could be nearer; the whole table only as the last resort.
    """
    lat, lon = here
    shrink = math.cos(math.radians(lat)) ** 2
    wanted = limit + offset
    if not wanted:
        return []
    # Degrees of latitude: about 250 m (a town centre with many spots), 1, 4 and 18 km.
    for half in (0.0025, 0.01, 0.04, 0.16, None):
        box, values = "", []
        if half is not None:
            box = "and lat between ? and ? and lon between ? and ? "
            values = [lat - half, lat + half, lon - half / math.sqrt(shrink), lon + half / math.sqrt(shrink)]
        rows = [dict(r) for r in get_db().query(
            COLUMNS.replace(" from", ", (lat - ?) * (lat - ?) + (lon - ?) * (lon - ?) * ? as d2 from")
            # "+archived_at": the planner would otherwise walk every active spot on that index, not the box.
            + "where +archived_at is null and name like ? " + box + "order by d2 limit ?",
            [lat, lat, lon, lon, shrink, f"%{name}%", *values, wanted])]
        if half is None or len(rows) == wanted and rows[-1]["d2"] <= half * half:
            return rows[offset:]
    return []


def latest(limit, offset=0):
    """The active spots by last activity (never-used ones last, by name), read straight off their index."""
    return [dict(r) for r in get_db().query(COLUMNS + "where archived_at is null "
                                            "order by last_active desc, name limit ? offset ?", [limit, offset])]


def active_count(archived=False):
    """How many spots are active (or archived): a total kept by triggers (migration 0020), not a count."""
    return get_db().execute("select spots from spot_totals where archived = ?", [int(archived)]).fetchone()[0]


NETHERLANDS = (50.7, 3.3, 53.6, 7.3)


def bbox(args):
    """(south, west, north, east) from ?bbox=s,w,n,e when it is a sane box (all of the Netherlands when absent)."""
    if not args.get("bbox"):
        return NETHERLANDS
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


LAYER_MAX = 5000  # The contact layer counts at most the latest this many contacts of the period.


def contact_layer(start, end):
    """Where contacts of the period happened: [lat, lon, count] per place (a spot, or a rounded GPS fix).

    Counts the latest LAYER_MAX contacts of the period at most (read backwards on the contacted_at index), so
    the layer costs the same at any number of contacts; a month of a small municipality stays far below it.
    """
    rows = get_db().query(
        "select round(coalesce(s.lat, c.lat), 4) as lat, round(coalesce(s.lon, c.lon), 4) as lon, count(*) as contacts "
        "from (select spot_id, lat, lon from contacts where replaced_by is null and contacted_at >= ? "
        "and contacted_at < ? order by contacted_at desc limit ?) c left join spots s on s.id = c.spot_id "
        "where coalesce(s.lat, c.lat) is not null group by 1, 2",
        [start.isoformat(), end.isoformat() + " 24:00", LAYER_MAX])
    return [[r["lat"], r["lon"], r["contacts"]] for r in rows]


@bp.route("/contacten.json")
@allow("worker")
def contacts():
    """The map's contact layer for ?van..?tot, asked for after the page once the spots are many."""
    start, end = maps.period(request.args)
    return jsonify(contact_layer(start, end))


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


MENU_ALL = 30  # Up to this many active spots a form's menu lists them all; beyond, a bounded choice.


def recent_spots(worker_id):
    """Ids of the active spots of the worker's latest contacts and visits (at most 10), latest first (reads two
    indexes); kept for the request, since a form asks twice (the spot to preselect, then its menu)."""
    kept = g.setdefault("recent_spots", {})
    if worker_id not in kept:
        kept[worker_id] = [r[0] for r in get_db().execute(
            "select x.spot_id from (select * from (select spot_id, contacted_at as at from contacts "
            "where worker_id = ? and replaced_by is null and spot_id is not null order by contacted_at desc limit 50) "
            "union all "
            "select * from (select spot_id, visited_at from visits where worker_id = ? order by visited_at desc "
            "limit 50)) x join spots s on s.id = x.spot_id where s.archived_at is null "
            "group by x.spot_id order by max(x.at) desc limit 10", [worker_id, worker_id])]
    return kept[worker_id]


def last_spot(worker_id):
    """The active spot of the worker's latest contact or visit, to preselect when there is no GPS."""
    recent = recent_spots(worker_id)
    return str(recent[0]) if recent else ""


def spot_choices(worker_id, empty="Geen vaste plek", keep=None, chosen=None):
    """A form's spot menu as options carrying their position: every active spot while there are few; beyond
    MENU_ALL the worker's recent ones, the nearest to ?lat/?lon, the matches of ?plek and the chosen one (and
    keep, an entry's own spot, even if archived)."""
    db = get_db()
    if active_count() <= MENU_ALL:
        sql, values = "select id, name, lat, lon from spots where archived_at is null or id = ? order by name", [keep]
    else:
        ids = recent_spots(worker_id) + [keep, chosen]
        here = nl_position(request.args.get("lat"), request.args.get("lon"))
        ids += [s["id"] for s in nearest(here, 10)] if here else []
        q = request.args.get("plek", "").strip()[:80]
        ids += [r[0] for r in db.execute("select id from spots where archived_at is null and name like ? "
                                         "order by name limit 20", [f"%{q}%"])] if q else []
        ids = [int(i) for i in ids if str(i or "").isdigit() and len(str(i)) < 19]
        # From the ids to the table (a CROSS JOIN keeps that order): a look-up each, never a scan of every spot.
        sql, values = ("select s.id, s.name, s.lat, s.lon from json_each(?) j cross join spots s on s.id = j.value "
                       "where s.archived_at is null or s.id = ? group by s.id order by s.name"), [json.dumps(ids), keep]
        g.spot_search = True  # The form shows a search field that asks for the others (_spot_search.html).
    options = [SelectChoice("", empty)] if empty else []
    for row in db.query(sql, values):
        options.append(SelectChoice(str(row["id"]), row["name"],
                                    render_kw={"data-lat": row["lat"], "data-lon": row["lon"]}))
    return options


def init_app(app):
    """Register the blueprint."""
    app.register_blueprint(bp)
