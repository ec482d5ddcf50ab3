"""Hostile input on every form (hypothesis): never a 5xx, typed values always escaped, CSV formulas neutralised."""
import csv
import io
import json
import re
import uuid
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import AuthActions, csrf_token, make_app
from formwalk import browser_data, may, post_forms, rules

MARKUP = ["<script>xss()</script>", '"><img src=x onerror=xss()>', "'><svg onload=xss()>",
          "</textarea><script>xss()</script>", "{{ 7*7 }}{% raw %}", "javascript:xss()"]
# Our payloads as they would appear if a page wrote them out unescaped (in HTML or in a script's JSON).
RAW = re.compile(r"<script>xss|<img src=x onerror|<svg onload")
FORMULAS = ['=HYPERLINK("http://x.example","klik")', "+31 6 12345678", "-2+3", "@SUM(A1:A9)", "\t=1", "\r=1"]
ODD = ["a\x00b", "\x00", "\u202egnp.exe", "😀" * 50, "e\u0301\u0301\u0301\u0301", "\ufeff\u200b\u200d", "𝕏𝔶",
       "\U0010ffff", " ", "\r\n\r\n", "ünïcödé Ω≈ç√"]
WRONG = ["abc", "1e309", "9" * 40, "-1", "NaN", "inf", "0x1F", "1,5", "2026-02-30T25:61", "31-12-9999 23:59",
         "0000-00-00", "J-99999999999999999999", "[]", "true"]
# Broken UTF-8 as a sloppy client sends it: a lone surrogate (not encodable in real UTF-8), stray bytes.
BYTES = [b"\xed\xa0\x80", b"\xff\xfe", b"abc\xc3", b"\xc0\xaf"]
LONG = ["A" * 10_000, "<script>xss()</script>" * 500]
HOSTILE = st.one_of(st.sampled_from(MARKUP + FORMULAS + ODD + WRONG + BYTES + LONG),
                    st.text(st.characters(exclude_categories=("Cs",)), max_size=40))
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
        if client.get("/").status_code == 200:
            return
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


@st.composite
def submissions(draw, fields):
    """A filled form with hostile values in some fields (often only free text), some fields missing, odd extras."""
    data = filled(fields)
    names = sorted(set(fields) - {"csrf_token"})
    texts = [n for n in names if fields[n]["type"] in ("text", "textarea")] or names
    if names:
        for name in draw(st.lists(st.sampled_from(draw(st.sampled_from([texts, names]))), unique=True, min_size=1)):
            data[name] = draw(st.one_of(HOSTILE, st.lists(HOSTILE, min_size=2, max_size=3)))
        for name in draw(st.lists(st.sampled_from(names), unique=True, max_size=2)):
            data.pop(name, None)
    else:
        data[draw(st.sampled_from(["note", "id", "x\x00"]))] = draw(HOSTILE)
    if draw(st.booleans()):
        data["confirm_personal"] = "y"  # Past the personal-data warning, so the hostile value is really saved.
    return data


def check(response):
    """What every answer to a hostile post must be: no server error, and no payload written out unescaped."""
    assert response.status_code < 500, response.get_data(as_text=True)[:500]
    if response.mimetype == "text/html":
        found = RAW.search(response.get_data(as_text=True))
        assert not found, f"unescaped: {found.group(0)}"


@pytest.mark.parametrize("endpoint, url, roles", POSTS, ids=[p[0] for p in POSTS])
@settings(max_examples=12, deadline=None, database=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large, HealthCheck.large_base_example])
@given(data=st.data())
def test_hostile_posts_never_break_a_form(app, client, one_of_each, endpoint, url, roles, data):
    """Markup, NUL, 10 kB, odd Unicode, broken UTF-8, wrong types and missing fields: a page or a redirect, never 5xx."""
    role = role_for(roles)
    logged_in(app, client, role)
    action, fields = next(((a, f) for a, f in forms_of(client, role).items() if a.split("?")[0] == url), (url, {}))
    token = csrf_token(client.get("/login" if role is None else "/").text)
    body = encode({"csrf_token": token, **data.draw(submissions(fields))})
    check(client.post(action, data=body, content_type="application/x-www-form-urlencoded"))


def save_as_worker(app, client, text, actions):
    """Fill the worker's forms with text in every free-text field and save them; returns {action: status}."""
    logged_in(app, client, "worker")
    forms, token = forms_of(client, "worker"), csrf_token(client.get("/").text)
    answers = {}
    for action in actions:
        data = {**filled(forms[action], text), "confirm_personal": "y", "csrf_token": token}
        if "client_id" in data:  # The forms are read once; each save here is a new entry, with its own id.
            data["client_id"] = str(uuid.uuid4())
        response = client.post(action, data=encode(data), content_type="application/x-www-form-urlencoded")
        answers[action] = (response.status_code, re.findall(r'class="field-error"[^>]*>([^<]+)<', response.text))
    return answers


SAVES = ["/spots/new", "/youths/new", "/contacts/new", "/visits/new", "/concerns/new", "/handoffs/new?youth=1",
         "/report/insights"]
PAYLOAD = '<script>xss()</script>"><svg onload=x>'  # 38 characters: fits a youth's alias (40).


def pages(role):
    """Every page role may open, for the rows made by one_of_each (id 1, J-0001) and by the test (id 2, J-0002)."""
    for endpoint, url, roles in GETS:
        if may(role, roles) and endpoint not in ("static", "maps.vendor_file"):
            yield from dict.fromkeys([url, re.sub(r"/1(?=/|$|\.)", "/2", url).replace("J-0001", "J-0002")])


def test_typed_markup_is_escaped_on_every_page(app, client, one_of_each):
    """Markup saved through every worker form is shown as text on every page of every role, map data included."""
    answers = save_as_worker(app, client, PAYLOAD, SAVES)
    assert {a: s for a, (s, _) in answers.items() if s != 302} == {}, answers
    shown = set()
    for role in ("worker", "cjg", "manager", "admin"):
        reader = app.test_client()
        logged_in(app, reader, role)
        for url in pages(role):
            response = reader.get(url)
            text = response.get_data(as_text=True)
            assert response.status_code < 500, (role, url)
            # CSV and JSON downloads carry the text as typed: as attachments with nosniff no browser renders them.
            assert response.mimetype != "text/html" or not RAW.search(text), (role, url)
            if "&lt;script&gt;xss()" in text:
                shown.add((role, url))
    # The payload really was on the pages: lists, detail pages, the CJG's handoff, the report, the admin's view.
    assert {("worker", "/spots/"), ("worker", "/youths/"), ("worker", "/contacts/"), ("worker", "/concerns/2"),
            ("cjg", "/cjg/2"), ("manager", "/report/"), ("admin", "/admin/subject/J-0002")} <= shown
    spots_page = client.get("/spots/").text
    start = spots_page.index("straatwerkSpots(")
    array = spots_page.index("[", start)
    spots = json.JSONDecoder().raw_decode(spots_page, array)[0]
    assert PAYLOAD in [spot[3] for spot in spots]  # Map popups get the name back as text, exactly as typed.


def test_csv_export_neutralises_formulas(app, client, one_of_each):
    """Cells that a spreadsheet would run (=, +, -, @, tab, CR first) start with a quote; the text itself is kept."""
    for formula in FORMULAS:
        answers = save_as_worker(app, client, formula, ["/spots/new", "/visits/new", "/report/insights"])
        assert {s for s, _ in answers.values()} == {302}, answers
        export = client.get("/report/export.csv")
        assert export.status_code == 200 and export.mimetype == "text/csv"
        rows = list(csv.reader(io.StringIO(export.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
        assert [c for row in rows for c in row if c[:1] in ("=", "+", "-", "@", "\t", "\r")] == []
        assert [row[3] for row in rows if row[0] == "Inzichten"] == ["'" + formula.strip()]
