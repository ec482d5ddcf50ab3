"""Helpers for tests that walk the app: routes from app.url_map, the forms a page offers as a browser sees them,
and sessions per role that fill and post those forms."""
import re
from urllib.parse import urlencode

from werkzeug.routing import AnyConverter, IntegerConverter

from outreach.core.maps import LEAFLET

from conftest import AuthActions, make_app
from pageforms import browser_data, post_forms

# Real files for the two static endpoints, so their responses are those of a 200 and not of a 404.
STATIC = {"static": {"filename": "js/map.js"}, "maps.vendor_file": {"lib": LEAFLET, "filename": "leaflet.js"}}


def sample(converter):
    """A value for a URL part: 1 for numbers, the first choice of an <any(...)>, else a youth code."""
    if isinstance(converter, IntegerConverter):
        return 1
    if isinstance(converter, AnyConverter):
        return sorted(converter.items)[0]
    return "J-0001"


def rules(app, method):
    """Every (endpoint, url, roles) answering method, with sample URL values; roles is 'public' or a set."""
    found = []
    for rule in app.url_map.iter_rules():
        if method not in rule.methods:
            continue
        values = STATIC.get(rule.endpoint) or {arg: sample(rule._converters[arg]) for arg in rule.arguments}
        view = app.view_functions[rule.endpoint]
        roles = "public" if rule.endpoint == "static" else getattr(view, "allowed_roles", frozenset())
        found.append((rule.endpoint, rule.build(values)[1], roles))
    return sorted(found, key=lambda r: (r[0], r[1]))


def may(role, roles):
    """True when role (None: anonymous) may open a route with these roles."""
    return roles == "public" or (role is not None and role in roles)


# Sessions that walk the app as each role, on the rows made by conftest's one_of_each.
APP = make_app(":memory:")
POSTS = rules(APP, "POST")
GETS = rules(APP, "GET")
SKIP_PAGES = {"static", "maps.vendor_file", "report.export_report"}
EXTRA_PAGES = {"worker": ["/handoffs/new?youth=1", "/contacts/new?youth=1"]}  # Forms that need a query argument.
# Fields that must hold a real code or a number to get past validation when the test wants a row saved.
CODES = {"youth_code", "other_codes", "other", "code", "current", "new", "repeat", "username"}
VALID = {"lat": "52.39", "lon": "6.03", "youths_present": "2"}
COOKIES, FORMS = {}, {}  # Per role, made once: a logged-in session cookie and {action: fields} of its forms.


def role_for(roles):
    """The role to post as: anonymous for public routes, else the first that may (the worker when she may)."""
    if roles == "public":
        return None
    return "worker" if "worker" in roles else sorted(roles)[0]


def logged_in(app, client, role):
    """Make client a session of role; the session cookie is reused, since every test's database is a copy."""
    name = app.config["SESSION_COOKIE_NAME"]
    if role is None:
        return
    if role in COOKIES:
        client.set_cookie(name, COOKIES[role])
        if not client.get("/").headers.get("Location", "").startswith("/login"):
            return  # Still logged in: the home page, or for other roles the page they start on.
    AuthActions(client).login_role(role)  # Password (and the second factor) through the real forms.
    COOKIES[role] = client.get_cookie(name).value


def forms_of(client, role):
    """Every POST form on the pages role can open, by action path (crawled once per role)."""
    if role not in FORMS:
        found = {}
        pages = [url for endpoint, url, roles in GETS if may(role, roles) and endpoint not in SKIP_PAGES]
        for url in pages + EXTRA_PAGES.get(role, []):
            response = client.get(url)
            if response.status_code == 200:
                for action, fields in post_forms(response.text, url).items():
                    found.setdefault(action, fields)
        FORMS[role] = found
    return FORMS[role]


def encode(data):
    """An urlencoded body; list values repeat the field, bytes go out as they are (broken UTF-8 included)."""
    pairs = [(k, item) for k, v in data.items() for item in (v if isinstance(v, list) else [v])]
    return urlencode(pairs, encoding="utf-8")



def filled(fields, text=None):
    """A valid-looking submission: browser defaults, a choice in every empty choice, text (if given) in free text."""
    data = {k: v for k, v in browser_data(fields).items() if k != "csrf_token"}
    for name, f in fields.items():
        options = [c for c in f["choices"] if c]
        if f["type"] in ("select", "radio") and not data.get(name) and options:
            data[name] = options[0]
        elif f["type"] in ("text", "textarea") and text is not None and name not in CODES:
            data[name] = text
        elif not data.get(name) and name in VALID:
            data[name] = VALID[name]
    if "youth_code" in data and not data.get("new_alias"):
        data["youth_code"] = "J-0001"  # A concern is about an existing youth or a new one, never neither.
    return data



def pages(role):
    """Every page role may open, for the rows made by one_of_each (id 1, J-0001) and by the test (id 2, J-0002)."""
    for endpoint, url, roles in GETS:
        if may(role, roles) and endpoint not in ("static", "maps.vendor_file"):
            yield from dict.fromkeys([url, re.sub(r"/1(?=/|$|\.)", "/2", url).replace("J-0001", "J-0002")])
