"""Helpers for tests that walk the app: routes from app.url_map, the forms a page offers as a browser sees them,
and sessions per role that fill and post those forms."""
import re
from html.parser import HTMLParser
from urllib.parse import urlencode, urlsplit

from werkzeug.routing import AnyConverter, IntegerConverter

from outreach.core.maps import LEAFLET

from conftest import AuthActions, make_app

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


class Forms(HTMLParser):
    """Every POST form of a page: its action and fields, each with its type, choices and browser default."""

    def __init__(self, page_url):
        """Start with no forms; relative actions resolve against page_url."""
        super().__init__()
        self.page_url, self.forms, self.form, self.select, self.textarea = page_url, [], None, None, None

    def field(self, name, kind):
        """The record of one field name in the current form."""
        return self.form["fields"].setdefault(name, {"type": kind, "choices": [], "default": None})

    def handle_starttag(self, tag, attrs):
        """Record forms and their controls."""
        a = dict(attrs)
        if tag == "form":
            method = (a.get("method") or "get").lower()
            target = urlsplit(a.get("action") or self.page_url)
            action = (target.path or urlsplit(self.page_url).path) + (f"?{target.query}" if target.query else "")
            self.form = {"action": action, "method": method, "fields": {}}
            self.forms.append(self.form)
        elif tag == "option" and self.select is not None:
            self.select["choices"].append(a.get("value", ""))
            if "selected" in a or self.select["default"] is None:
                self.select["default"] = a.get("value", "")
        elif self.form is None or not a.get("name"):
            return
        elif tag == "input":
            kind = a.get("type", "text")
            f = self.field(a["name"], kind)
            if kind in ("radio", "checkbox"):
                f["choices"].append(a.get("value", "on"))
                if "checked" in a:
                    f["default"] = a.get("value", "on")
            else:
                f["default"] = a.get("value", "")
        elif tag == "select":
            self.select = self.field(a["name"], "select")
        elif tag == "textarea":
            self.textarea = self.field(a["name"], "textarea")
            self.textarea["default"] = ""

    def handle_data(self, data):
        """A textarea's text is its default."""
        if self.textarea is not None:  # A browser drops the newline right after <textarea>.
            self.textarea["default"] += data if self.textarea["default"] else data.removeprefix("\r").removeprefix("\n")

    def handle_endtag(self, tag):
        """Close selects, textareas and forms."""
        if tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None
        elif tag == "form":
            self.form = None


def post_forms(html, page_url):
    """The POST forms of a page as {action (path and query): fields}."""
    parser = Forms(page_url)
    parser.feed(html)
    return {f["action"]: f["fields"] for f in parser.forms if f["method"] == "post"}


def browser_data(fields):
    """What a browser submits for a form untouched: each field's default (checked boxes only)."""
    data = {}
    for name, f in fields.items():
        if f["default"] is not None and f["type"] not in ("submit", "button"):
            data.setdefault(name, f["default"])
    return data


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
