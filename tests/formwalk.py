"""Helpers for tests that walk the app: routes from app.url_map, and the forms a page offers as a browser sees them."""
from html.parser import HTMLParser
from urllib.parse import urlsplit

from werkzeug.routing import AnyConverter, IntegerConverter

from outreach.maps import LEAFLET

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
