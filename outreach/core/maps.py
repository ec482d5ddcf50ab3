"""Maps with folium: Leaflet from our own origin, tiles from TILE_URL, data from JSON blocks our JavaScript reads.

The rule (DESIGN invariant 8): text typed by a user never becomes part of a template's source. folium and branca
compile every element's script again as an (unsandboxed) Jinja template while rendering, so anything placed in a
map element would run on the server. Therefore the maps are built from fixed code only and rendered once per app;
the data of a page (spot names, counts, positions, links) reaches it only as JSON in a `<script
type="application/json">` block written by our own template with `tojson` (which escapes `<`, `>`, `&`, `'` and
every non-ASCII character, so `</script>`, `<!--` and U+2028/2029 cannot end or bend the block), and map.js reads
it with JSON.parse and draws popups with text nodes, never HTML.
"""
from datetime import date, timedelta

import re

import folium
import xstatic.pkg.leaflet as xs_leaflet
import xstatic.pkg.leaflet_markercluster as xs_cluster
from branca.element import CssLink, JavascriptLink
from flask import Blueprint, abort, current_app, send_from_directory, url_for
from folium.elements import JSCSSMixin
from folium.map import Layer
from jinja2 import Template

from .access import public

bp = Blueprint("maps", __name__)
VENDOR = {
    f"leaflet-{xs_leaflet.VERSION}": xs_leaflet.BASE_DIR,
    f"leaflet.markercluster-{xs_cluster.VERSION}": xs_cluster.BASE_DIR,
}
LEAFLET, CLUSTER = list(VENDOR)
HEERDE = (52.3878, 6.0413)
# The only JSON blocks a map may read (id -> what it holds); a page passes them to page(), _map.html writes them.
DATA_BLOCKS = {
    "map-spots": "spots: [lat, lon, id, name, recency, last active, visits, contacts]",
    "map-contacts": "contacts of a period: [lat, lon, count]",
    "map-reach": "distinct youths per hangplek: [lat, lon, name, count or mark]",
    "map-options": "links and the centre: {spot_url, new_url, center}",
}


@bp.route("/static/vendor/<lib>/<path:filename>")
@public
def vendor_file(lib, filename):
    """Serve a file of a packaged JavaScript library (XStatic); versioned paths may be cached long."""
    if lib not in VENDOR:
        abort(404)
    return send_from_directory(VENDOR[lib], filename, max_age=365 * 24 * 3600)


def vendor_url(lib, filename):
    """The same-origin URL of a vendored library file."""
    return url_for("maps.vendor_file", lib=lib, filename=filename)


RECENCY = ["recent", "maand", "oud"]


def recency(last_active, today=None):
    """Colour class of a spot: 'recent' (≤ 7 days), 'maand' (≤ 30 days) or 'oud'."""
    if not last_active:
        return "oud"
    days = ((today or date.today()) - date.fromisoformat(last_active[:10])).days
    return "recent" if days <= 7 else "maand" if days <= 30 else "oud"


class DataLayer(Layer):
    """A layer whose script only names our JavaScript function and the JSON block it reads; never any data."""

    _template = Template("""
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = {{ this.function }}({{ this._parent.get_name() }}, straatwerkData("{{ this.block }}"));
{% endmacro %}
""")

    def __init__(self, function, block, name):
        """function: one of map.js's straatwerk* functions; block: a key of DATA_BLOCKS; name: a fixed label."""
        if block not in DATA_BLOCKS or not re.fullmatch(r"straatwerk[A-Za-z]+", function):
            raise ValueError("map layers name our own functions and data blocks only")
        super().__init__(name=name, overlay=True)
        self.function, self.block = function, block


class Assets(JSCSSMixin, folium.MacroElement):
    """The same-origin scripts and styles our layers need, declared the folium way so render() lists them."""

    _template = Template("")

    def __init__(self, js=(), css=()):
        """js and css: (name, url) pairs of files on our own origin."""
        super().__init__()
        self.default_js, self.default_css = list(js), list(css)


def map_js():
    """Our own map.js, as a folium asset pair."""
    return ("straatwerk_map", url_for("static", filename="js/map.js"))


def spot_rows(rows):
    """The spots map's data: [lat, lon, id, name, recency, last active, visits, contacts] per spot."""
    # Five decimals is about a metre; every byte here is paid again per spot on a phone.
    return [[round(r["lat"], 5), round(r["lon"], 5), r["id"], r["name"], RECENCY.index(recency(r["last_active"])),
             (r["last_active"] or "")[:10], r["visits"], r["contacts"]] for r in rows]


def reach_rows(rows):
    """The reach map's data: [lat, lon, name, shown] per hangplek met; shown is a count, '<5' or 'x'."""
    return [[round(r["lat"], 5), round(r["lon"], 5), r["name"], r["shown"]] for r in rows if r["shown"] != 0]


def spots_map():
    """The hangplekken map (spots clustered, contacts of a period, tap to add), rendered once per app."""
    def build():
        """Build the map: every layer reads its data from a JSON block on the page."""
        m = base_map()
        Assets(js=[("markercluster", vendor_url(CLUSTER, "leaflet.markercluster.js")), map_js()],
               css=[("markercluster_css", vendor_url(CLUSTER, "MarkerCluster.css")),
                    ("markercluster_default_css", vendor_url(CLUSTER, "MarkerCluster.Default.css"))]).add_to(m)
        DataLayer("straatwerkContacts", "map-contacts", "Contacten in de gekozen periode").add_to(m)
        DataLayer("straatwerkSpots", "map-spots", "Hangplekken").add_to(m)
        folium.LayerControl(collapsed=True).add_to(m)
        return m
    return cached("spots", build)


def reach_map():
    """The report's map of distinct youths per hangplek, rendered once per app."""
    def build():
        """Build the map with one layer that reads the map-reach block."""
        m = base_map(zoom=12)
        Assets(js=[map_js()]).add_to(m)
        DataLayer("straatwerkReach", "map-reach", "Bereik per hangplek").add_to(m)
        return m
    return cached("reach", build)


def cached(kind, build):
    """The rendered map of this kind: folium's rendering costs a few hundred templates, and holds no data."""
    maps = current_app.extensions.setdefault("outreach.maps", {})
    if kind not in maps:
        maps[kind] = render(build())
    return maps[kind]


def page(rendered, **blocks):
    """A rendered map with its data for this page: each block becomes a <script type="application/json">."""
    unknown = set(blocks) - {key.replace("-", "_") for key in DATA_BLOCKS}
    if unknown:
        raise ValueError(f"unknown map data blocks: {sorted(unknown)}")
    return {**rendered, "data": {key.replace("_", "-"): value for key, value in blocks.items()}}


def base_map(zoom=14):
    """A folium map whose Leaflet comes from our origin (set on this map only) and tiles from TILE_URL."""
    m = folium.Map(location=list(HEERDE), zoom_start=zoom, tiles=None, prefer_canvas=True, control_scale=True)
    m.default_js = [("leaflet", vendor_url(LEAFLET, "leaflet.js"))]
    m.default_css = [("leaflet_css", vendor_url(LEAFLET, "leaflet.css"))]
    folium.TileLayer(tiles=current_app.config["TILE_URL"], attr=current_app.config["TILE_ATTRIBUTION"],
                     name="Achtergrondkaart", max_zoom=19, control=False).add_to(m)
    return m


def render(m):
    """Split a folium map into what our own layout places: asset URLs, the map div and its script."""
    figure = m.get_root()
    figure.render()
    assets = [child for child in figure.header._children.values() if isinstance(child, (JavascriptLink, CssLink))]
    for asset in assets:
        if not asset.url.startswith("/"):
            raise ValueError(f"map asset from another host: {asset.url}")  # Invariant 7.
    return {
        "js": [a.url for a in assets if isinstance(a, JavascriptLink)],
        "css": [a.url for a in assets if isinstance(a, CssLink)],
        "html": figure.html.render(),
        "script": figure.script.render(),
    }


EARLIEST = date(2000, 1, 1)


def period(args, default_days=30):
    """The (from, to) dates asked for in the query string, or the last default_days; never reversed."""
    today = date.today()
    try:
        end = date.fromisoformat(args.get("tot", "")) if args.get("tot") else today
        start = date.fromisoformat(args.get("van", "")) if args.get("van") else end - timedelta(days=default_days)
        start, end = max(start, EARLIEST), min(end, today)
    except (ValueError, OverflowError):
        end, start = today, today - timedelta(days=default_days)
    return (start, end) if start <= end else (end, start)


def init_app(app):
    """Register the vendor route."""
    app.register_blueprint(bp)
