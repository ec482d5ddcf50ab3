"""A phone's id per entry: a resent contact or visit is saved once and answered the same; other content is 409."""
import uuid

import pytest

FORMS = {
    "contacts": ("/contacts/new", {"contacted_at": "2026-11-27T16:00", "kind": "straatcontact",
                                   "youths_present": "3", "note": "Groepje bij de halfpipe"}),
    "visits": ("/visits/new", {"spot": "1", "visited_at": "2026-11-27T16:00", "youths_present": "4",
                               "atmosphere": "rustig", "note": "Rustig"}),
}


@pytest.fixture(params=list(FORMS))
def entry(request, auth, spot):
    """The table, the form URL and a valid entry, logged in as the worker."""
    auth.login_role("worker")
    url, data = FORMS[request.param]
    return request.param, url, {**data, "spot": str(spot)}


def test_same_id_twice_is_one_row_and_the_same_answer(auth, query, entry):
    """A retried or doubled send: one row, and both answers redirect to the same page."""
    table, url, data = entry
    data = {**data, "client_id": str(uuid.uuid4())}
    first = auth.post(url, data, page=url)
    second = auth.post(url, data, page=url)
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
    assert "al eerder verstuurd met andere gegevens" in response.get_data(as_text=True)
    assert query(f"select count(*) as n from {table}")[0]["n"] == 1  # noqa: S608 - fixed table names


def test_form_carries_a_fresh_id_and_works_without_one(auth, client, query, entry):
    """Every form shown gets its own id (a double tap saves once); a post without an id still saves."""
    table, url, data = entry
    first, second = (client.get(url).get_data(as_text=True) for _ in range(2))
    ids = [page.split('name="client_id" type="hidden" value="')[1][:36] for page in (first, second)]
    assert ids[0] != ids[1] and all(uuid.UUID(i) for i in ids)
    auth.post(url, data, page=url)
    auth.post(url, data, page=url)
    assert query(f"select count(*) as n from {table}")[0]["n"] == 2  # noqa: S608 - fixed table names
