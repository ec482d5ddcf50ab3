"""Invariant 8: text a user typed never becomes part of a template's source; it is shown literally everywhere.

Every form a role can reach is found by walking app.url_map (formwalk), so a new form is covered without editing
this test. Each free-text field gets its own tagged payload; then every page of every role is read.
"""
import re
import uuid

import jinja2
import pytest

from conftest import csrf_token, json_block
from formwalk import CODES, FORMS, encode, filled, forms_of, logged_in, pages

# Template syntax of Jinja, of other engines, and markup that would end a script block.
PAYLOADS = ["Zq{{7*7}}Zq", "Zq{% raw %}x{% endraw %}Zq", "Zq${7*7}Zq", "<script>alert(1)</script>",
            "</script><script>alert(1)</script>"]
# What a page or download would hold if a payload had been compiled as a template; what an HTML page would hold
# if it had been written out as markup (a CSV or JSON download holds the text as typed: nosniff, attachment).
EVALUATED = re.compile(r"Zq49Zq|ZqxZq")
MARKUP = re.compile(r"<script>alert\(1\)")
# Forms that remove the rows the other forms fill (their text fields are codes or an erasure's ground, which
# test_subject covers); all others are posted.
NOT_POSTED = re.compile(r"/(merge|erase)$")
ROLES = ("worker", "cjg", "admin")  # The manager has no form that stores text.


def text_fields(fields):
    """The names of a form's free-text fields (codes, passwords and second-factor codes excluded)."""
    return [n for n, f in fields.items() if f["type"] in ("text", "textarea") and n not in CODES
            and "code" not in n]


def post_everything(app, payload):
    """Post a tagged payload in every free-text field of every form of every role; returns {tag: (action, field)}
    and the answers (a refused form is shown again with what was typed)."""
    tags, answers = {}, []
    for role in ROLES:
        client = app.test_client()
        logged_in(app, client, role)
        FORMS.pop(role, None)  # Crawl again: opening pages is what makes a handoff 'ontvangen' for the CJG.
        forms = forms_of(client, role)
        # Feedback before the decline that ends the handoff; everything else in page order.
        for action in sorted(forms, key=lambda a: a.endswith("/decline")):
            names = text_fields(forms[action])
            if not names or NOT_POSTED.search(action):
                continue
            data = {**filled(forms[action]), "confirm_personal": "y", "csrf_token": csrf_token(client.get("/", follow_redirects=True).text)}
            for name in names:
                tag = f"T{len(tags):02d}"
                tags[tag] = (action, name)
                data[name] = tag + payload
            if data.get("new_alias") and "youth_code" in data:
                data["youth_code"] = ""  # A concern about a new youth names no existing one.
            if "client_id" in data:
                data["client_id"] = str(uuid.uuid4())
            response = client.post(action, data=encode(data), content_type="application/x-www-form-urlencoded")
            assert response.status_code < 500, (action, response.status_code)
            answers.append((action, response))
    return tags, answers


def shown_as_text(body, tag, payload, mimetype):
    """True when the page shows tag+payload literally: escaped in HTML, as is in a CSV or JSON download."""
    text = tag + payload
    if mimetype != "text/html":
        return text in body
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    as_json = text.replace("<", "\\u003c").replace(">", "\\u003e")
    return escaped in body or as_json in body


@pytest.mark.parametrize("payload", PAYLOADS)
def test_typed_text_never_reaches_a_template_compiler(app, one_of_each, monkeypatch, payload):
    """Template syntax and script in every free-text field: no template source ever holds it, no page evaluates it,
    and every field's text is shown literally on at least one page (map data, CJG view, report and exports too)."""
    compiled = []
    original = jinja2.Environment.compile

    def recording(self, source, *args, **kwargs):
        """Jinja's compile, noting every template source it is handed (folium and branca's included)."""
        compiled.append(source if isinstance(source, str) else "")
        return original(self, source, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", recording)
    tags, answers = post_everything(app, payload)
    assert len(tags) >= 20, tags  # Worker, CJG and admin forms were really found.
    seen, read = set(), []
    for action, response in answers:
        body = response.get_data(as_text=True)
        assert not EVALUATED.search(body) and not MARKUP.search(body), action
        seen |= {tag for tag in tags if shown_as_text(body, tag, payload, response.mimetype)}
    for role in ("worker", "cjg", "manager", "admin"):
        client = app.test_client()
        logged_in(app, client, role)
        for url in pages(role):
            response = client.get(url)
            body = response.get_data(as_text=True)
            assert response.status_code < 500, (role, url)
            assert not EVALUATED.search(body), (role, url, EVALUATED.search(body).group(0))
            assert response.mimetype != "text/html" or not MARKUP.search(body), (role, url)
            read.append((role, url))
            seen |= {tag for tag in tags if shown_as_text(body, tag, payload, response.mimetype)}
    assert [s for s in compiled if "Zq" in s or "alert(1)" in s] == []
    assert {tags[t] for t in set(tags) - seen} == set(), "text saved but shown nowhere"
    assert len(compiled) > 0  # The recorder saw the app's own templates, so it was in place.


def test_map_data_is_json_our_script_reads(app, client, auth, one_of_each):
    """A spot named with template syntax and a script end reaches the map only as data in a JSON block."""
    name = "</script><!--\u2028{{7*7}}"
    app.extensions.pop("outreach.maps", None)
    auth.login_role("worker")
    saved = client.post("/spots/1/edit", data={"name": name, "kind": "park", "lat": "52.39", "lon": "6.03",
                                               "confirm_personal": "y", "csrf_token": csrf_token(client.get("/", follow_redirects=True).text)})
    assert saved.status_code == 302, saved.text
    page = client.get("/spots/").text
    assert json_block(page, "map-spots")[0][3] == name
    block = re.search(r'<script type="application/json" id="map-spots">(.*?)</script>', page, re.S).group(1)
    assert "</" not in block and "<!--" not in block and "\u2028" not in block
    scripts = [s for s in re.findall(r"<script nonce=[^>]*>(.*?)</script>", page, re.S) if "L.map(" in s]
    assert len(scripts) == 1 and 'straatwerkData("map-spots")' in scripts[0]
    assert "Skatebaan" not in scripts[0] and "7*7" not in scripts[0]  # Names and typed text: only in the block.
