"""The free-text guard that warns before a name, phone number, e-mail or address is saved."""
import re

import pytest

from conftest import csrf_token
from formwalk import FORMS, encode, filled, forms_of, logged_in
from outreach.core.db import get_db
from outreach.core.forms import personal_data_in


@pytest.mark.parametrize("text, found", [
    ("Sprak met Daan de Vries bij de halfpipe", ["een naam"]),
    ("Emma Jansen was er ook", ["een naam"]),
    ("bel hem op 06-12345678", ["een telefoonnummer"]),
    ("nummer +31 6 12345678", ["een telefoonnummer"]),
    ("0578 123456", ["een telefoonnummer"]),
    ("mail naar iemand@example.nl", ["een e-mailadres"]),
    ("woont op de Dorpsstraat 12", ["een adres"]),
    ("8181 AB Heerde", ["een adres"]),
    ("Rode pet vroeg naar werk, sfeer goed", []),
    ("Lachgas bij de JOP, ED had een goed gesprek", []),
    ("Drie jongens, 16 en 17 jaar, 2 nieuwe", []),
    ("", []),
    ("bel 06 12 34 56 78", ["een telefoonnummer"]),
    ("06-1234 5678", ["een telefoonnummer"]),
    ("06 123 456 78", ["een telefoonnummer"]),
    ("(0578) 12 34 56", ["een telefoonnummer"]),
    ("Jan Jansen zat erbij", ["een naam"]),
    ("Kees Bakker", ["een naam"]),
    ("Anouk Visser kwam langs", ["een naam"]),
    ("Mohammed El Amrani", ["een naam"]),
    ("ook Lars Smit", ["een naam"]),
    ("postcode 8181ab", ["een adres"]),
    ("Skatebaan Sportpark Heerde, 12 jongens", []),
    ("Rond 2026 en daarna", []),
    ("Tussen 1500 en 2000 euro schuld", []),
    ("Groene Pet en Rode Jas", []),
])
def test_personal_data_in(text, found):
    """Personal data in."""
    assert personal_data_in(text) == found


def test_spaces_only_count_as_not_filled_in(auth, query, spot):
    """Whitespace in a required date or number field gets the Dutch 'fill this in', never a 500."""
    auth.login_role("worker")
    response = auth.post("/visits/new", {"spot": str(spot), "visited_at": "   ", "youths_present": "  ",
                                         "atmosphere": "calm"}, page="/visits/new")
    assert response.status_code == 200
    assert "Vul in wanneer." in response.text and "Vul een aantal in" in response.text
    response = auth.post("/spots/new", {"name": "x", "kind": "park", "lat": "   ", "lon": "6.04"}, page="/spots/new")
    assert response.status_code == 200 and "Vul de breedtegraad in." in response.text
    assert query("select (select count(*) from visits) v, (select count(*) from spots) s") == [{"v": 0, "s": 1}]


def test_a_year_before_1900_is_a_typo(auth, query, spot):
    """A year before 1900 is a typo."""
    auth.login_role("worker")
    response = auth.post("/contacts/new", {"contacted_at": "27-11-0226 20:00", "kind": "street",
                                           "youths_present": "1"}, page="/contacts/new")
    assert response.status_code == 200 and "Vul een datum en tijd in" in response.text
    assert query("select count(*) n from contacts") == [{"n": 0}]


def test_oversized_ids_in_the_query_string(auth, client):
    """Oversized ids in the query string."""
    auth.login_role("worker")
    for url in ("/concerns/new?youth=99999999999999999999", "/handoffs/new?youth=99999999999999999999",
                "/contacts/new?youth=99999999999999999999&spot=99999999999999999999"):
        assert client.get(url).status_code == 200, url


INVISIBLE = ["Pet\u202eX", "Pet\x00X", "Pet\u2066X\u2069", "Pet\x1bX"]
KEPT_TABLES = {"audit_log", "login_attempts"}  # Written for every request or attempt, not by the form.


def row_counts(app):
    """Rows per table, except the logs every request writes."""
    with app.app_context():
        db = get_db()
        return {t: db[t].count for t in db.table_names() if t not in KEPT_TABLES}


@pytest.mark.parametrize("text", INVISIBLE, ids=["bidi-override", "nul", "bidi-isolate", "escape"])
def test_invisible_characters_refused_in_every_text_field(app, one_of_each, text):
    """Every text field of every form a role can reach refuses control and bidi characters: the Dutch message
    beside the field, the text kept without them, and nothing saved."""
    checked = []
    for role in ("worker", "cjg", "admin"):
        client = app.test_client()
        logged_in(app, client, role)
        FORMS.pop(role, None)
        forms = forms_of(client, role)
        for action in sorted(forms, key=lambda a: a.endswith("/decline")):
            for name in [n for n, f in forms[action].items() if f["type"] in ("text", "textarea")]:
                before = row_counts(app)
                data = {**filled(forms[action]), "confirm_personal": "y", name: text,
                        "csrf_token": csrf_token(client.get("/", follow_redirects=True).text)}
                response = client.post(action, data=encode(data), content_type="application/x-www-form-urlencoded")
                page = response.get_data(as_text=True)
                assert response.status_code == 200, (action, name, response.status_code)
                error = re.search(rf'id="{re.escape(name)}-error">([^<]*)<', page)
                assert error and "onzichtbare stuurtekens" in error.group(1), (action, name)
                assert "PetX" in page, (action, name)
                assert row_counts(app) == before, (action, name)
                checked.append((action, name))
    assert len(checked) >= 25, checked
