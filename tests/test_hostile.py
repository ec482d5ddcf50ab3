"""Hostile input on every form (hypothesis): never a 5xx, typed values always escaped, CSV formulas neutralised."""
import csv
import io
import re
import uuid

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import AuthActions, csrf_token, json_block
from formwalk import POSTS, encode, filled, forms_of, logged_in, pages, role_for

MARKUP = ["<script>xss()</script>", '"><img src=x onerror=xss()>', "'><svg onload=xss()>",
          "</textarea><script>xss()</script>", "{{ 7*7 }}{% raw %}", "javascript:xss()"]
# Our payloads as they would appear if a page wrote them out unescaped (in HTML or in a script's JSON).
RAW = re.compile(r"<script>xss|<img src=x onerror|<svg onload")
FORMULAS = ['=HYPERLINK("http://x.example","klik")', "+31 6 12345678", "-2+3", "@SUM(A1:A9)", "\t=1"]
ODD = ["a\x00b", "\x00", "\u202egnp.exe", "😀" * 50, "e\u0301\u0301\u0301\u0301", "\ufeff\u200b\u200d", "𝕏𝔶",
       "\U0010ffff", " ", "\r\n\r\n", "ünïcödé Ω≈ç√"]
WRONG = ["abc", "1e309", "9" * 40, "-1", "NaN", "inf", "0x1F", "1,5", "2026-02-30T25:61", "31-12-9999 23:59",
         "0000-00-00", "J-99999999999999999999", "[]", "true"]
# Broken UTF-8 as a sloppy client sends it: a lone surrogate (not encodable in real UTF-8), stray bytes.
BYTES = [b"\xed\xa0\x80", b"\xff\xfe", b"abc\xc3", b"\xc0\xaf"]
LONG = ["A" * 10_000, "<script>xss()</script>" * 500]
HOSTILE = st.one_of(st.sampled_from(MARKUP + FORMULAS + ODD + WRONG + BYTES + LONG),
                    st.text(st.characters(exclude_categories=("Cs",)), max_size=40))
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
    token = csrf_token(client.get("/login" if role is None else "/", follow_redirects=True).text)
    body = encode({"csrf_token": token, **data.draw(submissions(fields))})
    check(client.post(action, data=body, content_type="application/x-www-form-urlencoded"))


def save_as_worker(app, client, text, actions):
    """Fill the worker's forms with text in every free-text field and save them; returns {action: status}."""
    logged_in(app, client, "worker")
    forms, token = forms_of(client, "worker"), csrf_token(client.get("/", follow_redirects=True).text)
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


def test_typed_markup_is_escaped_on_every_page(app, client, one_of_each):
    """Markup saved through every worker form is shown as text on every page of every role, map data included."""
    answers = save_as_worker(app, client, PAYLOAD, SAVES)
    assert {a: s for a, (s, _) in answers.items() if s != 302} == {}, answers
    shown = set()
    for role in ("worker", "cjg", "manager", "admin"):
        reader = app.test_client()
        logged_in(app, reader, role)
        if role == "admin":  # Case content only under a request's reference and reason.
            for code in ("J-0001", "J-0002"):
                AuthActions(reader).subject_request(code)
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
    spots = json_block(spots_page, "map-spots")
    assert PAYLOAD in [spot[3] for spot in spots]  # Map popups get the name back as text, exactly as typed.


def test_csv_export_neutralises_formulas(app, client, one_of_each):
    """Cells that a spreadsheet would run (=, +, -, @, tab, CR first) start with a quote; the text itself is kept."""
    for formula in FORMULAS:
        # A tab is text in a note, but refused in a one-line name (test_forms: invisible characters).
        one_line = [] if "\t" in formula else ["/spots/new"]
        answers = save_as_worker(app, client, formula, one_line + ["/visits/new", "/report/insights"])
        assert {s for s, _ in answers.values()} == {302}, answers
        export = client.get("/report/export.csv")
        assert export.status_code == 200 and export.mimetype == "text/csv"
        rows = list(csv.reader(io.StringIO(export.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
        assert [c for row in rows for c in row if c[:1] in ("=", "+", "-", "@", "\t", "\r")] == []
        assert [row[3] for row in rows if row[0] == "Inzichten"] == ["'" + formula.strip()]
