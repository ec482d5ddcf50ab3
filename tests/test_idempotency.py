"""A phone's id per entry: a resent contact or visit is saved once and answered the same; other content is 409."""
import re
import uuid

import pytest

FORMS = {
    "contacts": ("/contacts/new", {"contacted_at": "2026-11-27T16:00", "kind": "street",
                                   "youths_present": "3", "note": "Groepje bij de halfpipe"}),
    "visits": ("/visits/new", {"spot": "1", "visited_at": "2026-11-27T16:00", "youths_present": "4",
                               "atmosphere": "calm", "note": "Rustig"}),
}


@pytest.fixture(params=list(FORMS))
def entry(request, auth, spot):
    """The table, the form URL and a valid entry, logged in as the worker."""
    auth.login_role("worker")
    url, data = FORMS[request.param]
    return request.param, url, {**data, "spot": str(spot)}


def new_login(auth):
    """The session ended and the worker logged in again: a new session and a new CSRF token."""
    auth.logout()
    auth.login_role("worker")


@pytest.mark.parametrize("between, extra", [(None, {}), (new_login, {}), (None, {"confirm_personal": "y"})],
                         ids=["twice", "after-a-new-login", "with-the-confirmation"])
def test_a_resend_is_one_row_and_the_same_answer(auth, query, entry, between, extra):
    """A retried or doubled send, also after a new login or with 'toch opslaan' ticked: one row, the same answer."""
    table, url, data = entry
    data = {**data, "client_id": str(uuid.uuid4())}
    first = auth.post(url, data, page=url)
    if between:
        between(auth)
    second = auth.post(url, {**data, **extra}, page=url)
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert query(f"select count(*) as n from {table}")[0]["n"] == 1  # noqa: S608 - fixed table names


def test_same_id_with_other_content_is_refused(auth, query, entry):
    """The same id with another note: 409 with a Dutch message, nothing saved over the first entry."""
    table, url, data = entry
    data = {**data, "client_id": str(uuid.uuid4())}
    auth.post(url, data, page=url)
    response = auth.post(url, {**data, "note": "Iets anders"}, page=url)
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert re.search(r'class="flash flash-error"[^>]*>[^<]*al eerder verstuurd met andere gegevens', page)
    assert query(f"select count(*) as n from {table}")[0]["n"] == 1  # noqa: S608 - fixed table names
    # The form comes back with what was typed and a new id of its own: saving it again makes a second entry.
    fresh = page.split('name="client_id" type="hidden" value="')[1][:36]
    assert uuid.UUID(fresh) and fresh != data["client_id"] and "Iets anders" in page
    assert auth.post(url, {**data, "note": "Iets anders", "client_id": fresh}, page=url).status_code == 302
    rows = query(f"select note, client_id from {table} order by id")  # noqa: S608 - fixed table names
    assert [r["client_id"] for r in rows] == [data["client_id"], fresh]


def test_form_carries_a_fresh_id_and_works_without_one(auth, client, query, entry):
    """Every form shown gets its own id (a double tap saves once); a post without an id still saves."""
    table, url, data = entry
    first, second = (client.get(url).get_data(as_text=True) for _ in range(2))
    ids = [page.split('name="client_id" type="hidden" value="')[1][:36] for page in (first, second)]
    assert ids[0] != ids[1] and all(uuid.UUID(i) for i in ids)
    auth.post(url, data, page=url)
    auth.post(url, data, page=url)
    assert query(f"select count(*) as n from {table}")[0]["n"] == 2  # noqa: S608 - fixed table names


def test_another_workers_resend_of_the_same_id_is_refused(app, client, auth, query, entry):
    """Worker B sending worker A's id with the same content gets 409; A's entry stays A's, nothing new."""
    from outreach.core.accounts import create_user
    table, url, data = entry
    data = {**data, "client_id": str(uuid.uuid4())}
    auth.post(url, data, page=url)
    with app.app_context():
        create_user("collega", "worker", "een ander wachtwoord")
    auth.logout()
    auth.login("collega", "een ander wachtwoord")
    response = auth.post(url, data, page=url)
    assert response.status_code == 409
    assert "al eerder verstuurd met andere gegevens" in response.get_data(as_text=True)
    rows = query(f"select u.username from {table} t join users u on u.id = t.worker_id")  # noqa: S608
    assert rows == [{"username": "werker"}]


def test_a_malformed_id_is_refused_and_nothing_saved(auth, query, entry):
    """An id that is not a UUID is not a valid send: the form comes back with what was typed, no row."""
    table, url, data = entry
    response = auth.post(url, {**data, "client_id": "x' or 1=1 --"}, page=url)
    assert response.status_code == 200
    assert 'name="client_id"' in response.text and data["note"] in response.text
    assert query(f"select count(*) as n from {table}")[0]["n"] == 0  # noqa: S608 - fixed table names


def test_a_malformed_id_says_why_in_the_error_summary(auth, entry):
    """The refusal of a malformed send is shown to the worker in the form's error summary, word for word."""
    table, url, data = entry
    response = auth.post(url, {**data, "client_id": "geen-uuid"}, page=url)
    assert "<li>Ongeldige verzending; probeer het opnieuw.</li>" in response.text
