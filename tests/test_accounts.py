"""Accounts (core/accounts.py), as the login, the admin pages, the commands and the demo use them: what is stored,
how a name is found, and that a new password ends every session."""
import re

import pytest

from outreach.core.accounts import (SECOND_FACTOR_REQUIRED, create_user, find_user, new_token, set_password,
                                    username_problem)
from outreach.core.passwords import verify_hash

STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\Z")


def test_a_new_account_is_stored_whole_and_lower_case(app, query):
    """Name trimmed and lower-cased, the role, active, a hash that verifies (never the password), a session token,
    the one-time-password flag, and both stamps."""
    with app.app_context():
        user_id = create_user("  Sanne.DeBoer ", "cjg", "een lang wachtwoord", must_change=True)
    row = query("select * from users where id = ?", [user_id])[0]
    assert (row["username"], row["role"], row["active"], row["must_change_password"]) == ("sanne.deboer", "cjg", 1, 1)
    assert verify_hash(row["password_hash"], "een lang wachtwoord") and "een lang" not in row["password_hash"]
    assert len(row["session_token"]) >= 32
    assert STAMP.match(row["created_at"]) and row["password_changed_at"] == row["created_at"]
    with app.app_context():
        other = create_user("piet", "worker", "nog een wachtwoord")
    assert query("select must_change_password from users where id = ?", [other])[0]["must_change_password"] == 0


def test_a_name_is_found_however_it_is_typed(app):
    """find_user ignores case and surrounding spaces, and finds nobody for a name that does not exist."""
    with app.app_context():
        user_id = create_user("sanne", "cjg", "een lang wachtwoord")
        assert find_user(" SANNE ")["id"] == user_id
        assert find_user("sanne2") is None


@pytest.mark.parametrize("typed, problem", [
    ("ab", "Gebruik 3 tot 40 tekens"), ("a" * 41, "Gebruik 3 tot 40 tekens"), ("-abc", "Gebruik 3 tot 40 tekens"),
    ("met spatie", "Gebruik 3 tot 40 tekens"), ("werker", "bestaat al"), (" WERKER ", "bestaat al"),
    ("abc", None), ("a" * 40, None), ("sanne.de-boer_2", None), (" Nieuw.Lid ", None)])
def test_username_rules(app, typed, problem):
    """3 to 40 of lower-case letters, digits, '.', '-', '_' (not leading), after trimming and lower-casing; unique."""
    with app.app_context():
        found = username_problem(typed)
    assert (found is None) if problem is None else (problem in found)


def test_a_new_password_ends_every_session(app, query):
    """set_password: a new hash, a new session token (every open session ends), the flag and a new stamp."""
    with app.app_context():
        user_id = create_user("sanne", "cjg", "een lang wachtwoord")
    before = query("select * from users where id = ?", [user_id])[0]
    with app.app_context():
        set_password(user_id, "een ander wachtwoord", must_change=True)
    after = query("select * from users where id = ?", [user_id])[0]
    assert verify_hash(after["password_hash"], "een ander wachtwoord")
    assert not verify_hash(after["password_hash"], "een lang wachtwoord")
    assert after["session_token"] != before["session_token"] and len(after["session_token"]) >= 32
    assert after["must_change_password"] == 1 and STAMP.match(after["password_changed_at"])
    with app.app_context():
        set_password(user_id, "weer een wachtwoord", must_change=False)
    assert query("select must_change_password from users where id = ?", [user_id])[0]["must_change_password"] == 0


def test_tokens_are_long_and_never_repeat():
    """A session token: 32 URL-safe characters of randomness, a new one every time."""
    tokens = {new_token() for _ in range(200)}
    assert len(tokens) == 200 and all(re.fullmatch(r"[A-Za-z0-9_-]{32}", t) for t in tokens)


def test_the_roles_that_reach_personal_data_need_a_second_factor():
    """CJG and admin (BIO2, ASVS L2); the worker may, the manager sees only figures."""
    assert SECOND_FACTOR_REQUIRED == {"cjg", "admin"}


@pytest.mark.parametrize("full_name, username, role, shown", [
    ("Sanne de Boer", "sanne", "cjg", "Sanne de Boer (CJG)"), (None, "werker", "worker", "werker (straathoekwerker)"),
    ("", "beheerder", "admin", "beheerder (beheer)"), ("Femke Visser", "femke", None, "Femke Visser"),
    (None, None, None, "–")])
def test_a_colleague_is_shown_by_full_name_and_role(full_name, username, role, shown):
    """person(): the full name, else the login name; with the short role; a dash for nobody (a system line)."""
    from outreach.vocab import person
    assert person(full_name, username, role) == shown


@pytest.mark.parametrize("typed, problem", [("", None), (None, None), ("sanne@heerde.nl", None),
                                             ("sanne@heerde", "e-mailadres"), ("sanne", "e-mailadres"),
                                             ("a b@heerde.nl", "e-mailadres"), ("x@" + "a" * 250 + ".nl", "e-mailadres")])
def test_an_email_address_is_optional_but_looks_like_one(typed, problem):
    """email_problem: empty is fine; anything else must look like an address."""
    from outreach.core.accounts import email_problem
    found = email_problem(typed)
    assert (problem is None and found is None) or (problem and problem in found)


@pytest.mark.parametrize("typed, problem", [
    ("ab", "Gebruik 3 tot 40 tekens: kleine letters, cijfers, punt, streepje of liggend streepje."),
    ("werker", "Deze gebruikersnaam bestaat al."), ("nieuw", None)])
def test_a_refused_username_says_exactly_why(app, typed, problem):
    """The sentence shown next to the username field, word for word."""
    with app.app_context():
        assert username_problem(typed) == problem


NAME_NEEDED = "Vul de volledige naam in, zoals collega's die zien."
EMAIL_WRONG = "Vul een e-mailadres in zoals naam@heerde.nl, of laat het leeg."


@pytest.mark.parametrize("typed, problem", [
    ("", NAME_NEEDED), (None, NAME_NEEDED), ("   ", NAME_NEEDED), ("S" * 81, "Maximaal 80 tekens."),
    (" " + "S" * 80 + " ", None), ("Sanne de Boer", None)])
def test_a_full_name_is_required_and_at_most_80_characters(typed, problem):
    """full_name_problem: the exact sentence shown next to the field; 80 characters after trimming still fit."""
    from outreach.core.accounts import full_name_problem
    assert full_name_problem(typed) == problem


@pytest.mark.parametrize("typed, problem", [
    ("sanne", EMAIL_WRONG), ("x@" + "a" * 249 + ".nl", None), ("x@" + "a" * 250 + ".nl", EMAIL_WRONG),
    ("  sanne@heerde.nl  ", None)])
def test_an_email_address_says_exactly_why_and_fits_in_254_characters(typed, problem):
    """email_problem: the exact sentence shown; 254 characters is the longest address, 255 is refused."""
    from outreach.core.accounts import email_problem
    assert email_problem(typed) == problem


def test_a_new_account_keeps_a_given_name_and_address_trimmed(app, query):
    """create_user stores a full name trimmed and an e-mail address trimmed and lower-cased; blanks as NULL."""
    with app.app_context():
        given = create_user("sanne", "cjg", "een lang wachtwoord", full_name="  Sanne de Boer ",
                            email=" Sanne@Heerde.NL ")
        blank = create_user("piet", "worker", "een lang wachtwoord", full_name="  ", email=" ")
        none = create_user("kees", "worker", "een lang wachtwoord")
    rows = {r["id"]: r for r in query("select id, full_name, email from users where id in (?, ?, ?)",
                                      [given, blank, none])}
    assert (rows[given]["full_name"], rows[given]["email"]) == ("Sanne de Boer", "sanne@heerde.nl")
    assert (rows[blank]["full_name"], rows[blank]["email"]) == (None, None)
    assert (rows[none]["full_name"], rows[none]["email"]) == (None, None)
