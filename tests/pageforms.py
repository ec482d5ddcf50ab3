"""The forms of a page as a browser sees them, and what it posts for one left untouched: shared by the tests that
walk the app (formwalk.py, test_contacts.py) and by bench/field.py (the save as a phone posts it)."""
from html.parser import HTMLParser
from urllib.parse import urlsplit


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
