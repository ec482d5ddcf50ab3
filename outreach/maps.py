"""Maps with folium: Leaflet from our own origin, tiles from TILE_URL, spots as one compact data layer."""
from datetime import date, timedelta

import folium
import xstatic.pkg.leaflet as xs_leaflet
import xstatic.pkg.leaflet_markercluster as xs_cluster
from branca.element import CssLink, JavascriptLink
from flask import Blueprint, abort, current_app, send_from_directory, url_for
from folium.elements import JSCSSMixin
from folium.map import Layer
from jinja2 import Template
from jinja2.utils import htmlsafe_json_dumps

from .access import public

bp = Blueprint("maps", __name__)
VENDOR = {
    f"leaflet-{xs_leaflet.VERSION}": xs_leaflet.BASE_DIR,
    f"leaflet.markercluster-{xs_cluster.VERSION}": xs_cluster.BASE_DIR,
}
LEAFLET, CLUSTER = list(VENDOR)
HEERDE = (52.3878, 6.0413)


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


class SpotLayer(JSCSSMixin, Layer):
    """All spots as one JSON array, drawn as clustered circle markers; popups are built as text, never HTML."""

    _template = Template("""
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = straatwerkSpots({{ this._parent.get_name() }}, {{ this.data }}, {{ this.options }});
{% endmacro %}
""")

    def __init__(self, rows, name="Hangplekken"):
        """rows: dicts with id, name, lat, lon, last_active, visits, contacts."""
        super().__init__(name=name, overlay=True)
        # Five decimals is about a metre; every byte here is paid again per spot on a phone.
        self.data = htmlsafe_json_dumps([
            [round(r["lat"], 5), round(r["lon"], 5), r["id"], r["name"], RECENCY.index(recency(r["last_active"])),
             (r["last_active"] or "")[:10], r["visits"], r["contacts"]] for r in rows], separators=(",", ":"))
        self.options = htmlsafe_json_dumps({"url": url_for("spots.show_spot", spot_id=0)[:-1]})
        self.default_js = [("markercluster", vendor_url(CLUSTER, "leaflet.markercluster.js")),
                           ("straatwerk_map", url_for("static", filename="js/map.js"))]
        self.default_css = [("markercluster_css", vendor_url(CLUSTER, "MarkerCluster.css")),
                            ("markercluster_default_css", vendor_url(CLUSTER, "MarkerCluster.Default.css"))]


class ContactLayer(Layer):
    """Where contacts happened in a period: a circle per place, its area growing with the count."""

    _template = Template("""
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = straatwerkContacts({{ this.data }});
{% endmacro %}
""")

    def __init__(self, rows, name):
        """rows: dicts with lat, lon, contacts."""
        super().__init__(name=name, overlay=True)
        self.data = htmlsafe_json_dumps([[r["lat"], r["lon"], r["contacts"]] for r in rows])


class ReachLayer(JSCSSMixin, Layer):
    """Distinct youths per hangplek: circle area grows with the count; a protected count ('<5', 'x') gets the
    smallest circle and its mark, never a size that would give the number away."""

    _template = Template("""
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = straatwerkReach({{ this._parent.get_name() }}, {{ this.data }});
{% endmacro %}
""")
    PLACEHOLDER = "STRAATWERK_REACH_DATA"

    def __init__(self, name):
        """A layer whose data is filled in after rendering (see fill()), so one rendered map serves all."""
        super().__init__(name=name, overlay=True)
        self.data = self.PLACEHOLDER
        self.default_js = [("straatwerk_map", url_for("static", filename="js/map.js"))]

    @classmethod
    def fill(cls, rendered, rows):
        """The rendered map with rows (dicts with name, lat, lon and shown: an int, '<5' or 'x') as its data."""
        data = htmlsafe_json_dumps([[round(r["lat"], 5), round(r["lon"], 5), r["name"], r["shown"]]
                                    for r in rows if r["shown"] != 0], separators=(",", ":"))
        return {**rendered, "script": rendered["script"].replace(cls.PLACEHOLDER, data)}


class TapToAdd(folium.MacroElement):
    """Tapping the map offers 'Nieuwe hangplek hier', a link to the new-spot form with the position filled in."""

    _template = Template("""
{% macro script(this, kwargs) %}
straatwerkTapToAdd({{ this._parent.get_name() }}, {{ this.url }});
{% endmacro %}
""")

    def __init__(self, url):
        """url: the new-spot form; lat and lon are appended."""
        super().__init__()
        self.url = htmlsafe_json_dumps(url)


def base_map(center=HEERDE, zoom=14):
    """A folium map whose Leaflet comes from our origin (set on this map only) and tiles from TILE_URL."""
    m = folium.Map(location=list(center), zoom_start=zoom, tiles=None, prefer_canvas=True, control_scale=True)
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
