"""The admin enters the GGD figures and inhabitants per age band (outreach/admin/context.py, issue 15 item 4); the
report shows the estimated size of the group and the reach as a share of it, as an estimate with its source."""
import re

import pytest

from conftest import form_errors
from outreach.core import context

from test_report import ARGS, pilot, shown  # noqa: F401 - pilot is a fixture

URL = "/admin/ggd/"
GOOD = {"pupils_soft_drugs": "7", "pupils_other_drugs": "6,5", "young_adults_soft_drugs": "31 %",
        "young_adults_other_drugs": "22", "ggd_source": "Gezondheidsmonitor GGD NOG", "ggd_year": "2019",
        "inhabitants_12_15": "860", "inhabitants_16_17": "440", "inhabitants_18_23": "1090",
        "inhabitants_source": "CBS StatLine, 1 januari", "inhabitants_year": "2026"}
PERIOD = "mrt 2026 – mei 2026"


def stored(query):
    """The row as saved, or None."""
    rows = query("select * from report_context")
    return rows[0] if rows else None


def test_first_visit_holds_the_memo_figures_and_no_row_yet(auth, client, query):
    """Nothing saved before the admin presses the button; the form starts from the memo's GGD 2019 figures."""
    auth.login_role("admin")
    html = client.get(URL).get_data(as_text=True)
    assert re.search(r'<input[^>]*name="pupils_soft_drugs"[^>]*type="text"[^>]*value="7"', html)
    assert 'value="31"' in html and 'value="2019"' in html and "raadsmemo" in html
    assert stored(query) is None


def test_admin_saves_figures_audited_and_linked_from_the_admin_home(auth, client, query):
    """Dutch input (comma, '%') is read as numbers, stored in one row, written to the audit log with what changed."""
    auth.login_role("admin")
    home = client.get("/admin/").get_data(as_text=True)
    assert 'href="/admin/ggd/"' in home and "nog niet ingevuld" in home
    response = auth.post(URL, GOOD, page=URL)
    assert response.status_code == 302 and response.headers["Location"] == URL
    row = stored(query)
    assert (row["pupils_soft_drugs"], row["pupils_other_drugs"], row["young_adults_soft_drugs"]) == (7, 6.5, 31)
    assert (row["inhabitants_12_15"], row["inhabitants_18_23"], row["ggd_year"]) == (860, 1090, 2019)
    assert row["inhabitants_source"] == "CBS StatLine, 1 januari" and row["updated_by"] is not None
    log = query("select actor_role, action, object_type, result from audit_log where object_type = 'report_context'")
    assert [(r["actor_role"], r["action"]) for r in log] == [("admin", "update")]
    assert "pupils_other_drugs –→6.5" in log[0]["result"]
    page = client.get(URL).get_data(as_text=True)
    assert 'value="6,5"' in page and "opgeslagen" in page  # Shown back the Dutch way, with the flash message.
    assert "GGD 2019, inwoners 2026" in client.get("/admin/").get_data(as_text=True)
    # A second save of the same figures changes nothing, and says so in the log.
    auth.post(URL, GOOD, page=URL)
    assert query("select result from audit_log where object_type = 'report_context' order by id")[-1]["result"] \
        == "ongewijzigd"


@pytest.mark.parametrize("name, typed, message", [
    ("pupils_soft_drugs", "zeven", "Vul een percentage in, bijvoorbeeld 7 of 6,5."),
    ("young_adults_soft_drugs", "131", "Kies een percentage van 0 tot 100."),
    ("pupils_soft_drugs", "  ", "Vul een percentage in."),
    ("inhabitants_16_17", "4,5", "Vul een heel getal in."),
    ("inhabitants_12_15", "veel", "Vul een heel getal in."),
    ("young_adults_other_drugs", "22 procent", "Vul een percentage in, bijvoorbeeld 7 of 6,5."),
    ("pupils_other_drugs", "6\u202e5", "Er stonden onzichtbare stuurtekens in"),
    ("inhabitants_18_23", "-3", "Vul een aantal van 0 tot 1.000.000 in."),
    ("ggd_year", "219", "Kies een jaar van 1990 tot en met"),
    ("inhabitants_source", "", "Noem de bron."),
    ("ggd_source", "x" * 201, "Houd de bron kort: hoogstens 200 tekens."),
])
def test_bad_input_gets_a_dutch_message_beside_the_field_and_nothing_saved(auth, client, query, name, typed, message):
    """One wrong field: its message next to it, what was typed kept, no row and no audit line."""
    auth.login_role("admin")
    response = auth.post(URL, {**GOOD, name: typed}, page=URL)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    errors = form_errors(html)
    assert len(errors) == 1 and (errors[0] == message or errors[0].startswith(message) and typed in ("219", "6\u202e5"))
    assert f'id="{name}-error"' in html
    if typed.strip():
        assert f'value="{typed.replace(chr(0x202e), "")}"' in html
    assert 'value="CBS StatLine, 1 januari"' in html or name == "inhabitants_source"  # The rest kept too.
    assert stored(query) is None
    assert query("select count(*) n from audit_log where object_type = 'report_context'")[0]["n"] == 0


@pytest.mark.parametrize("role", ["worker", "cjg", "manager"])
def test_only_the_admin_may_see_or_change_the_figures(auth, client, query, role):
    """Other roles get 403 for the page and the post; nothing is saved."""
    auth.login_role(role)
    assert client.get(URL).status_code == 403
    assert auth.post(URL, GOOD).status_code == 403
    assert stored(query) is None


def test_post_without_csrf_token_is_refused(auth, client, query):
    """The form needs the page's token."""
    auth.login_role("admin")
    assert client.post(URL, data=GOOD).status_code == 400
    assert stored(query) is None


def test_report_shows_the_estimate_with_its_source(pilot, auth, client):
    """Estimate = inhabitants of the group's bands × the share; reach beside it; sources and years named."""
    auth.login_role("admin")
    auth.post(URL, GOOD, page=URL)
    auth.logout()
    auth.login_role("manager")
    html = client.get("/report/", query_string=ARGS).get_data(as_text=True)
    cells = shown(html)
    pupils = "Geschatte groep middelbare scholieren (klas 2 en 4) die ooit softdrugs gebruikte (7% van ca. " \
             "1.300 inwoners van 12–17 jaar)"
    assert cells[(pupils, PERIOD)] == "91"  # (860 + 440) × 7%
    adults = ("Geschatte groep jongvolwassenen die ooit softdrugs gebruikte (31% van ca. 1.090 inwoners van "
              "18–23 jaar)")
    assert cells[(adults, PERIOD)] == "338"  # 1,090 × 31% = 337.9
    assert cells[("Geschatte groep middelbare scholieren (klas 2 en 4) die ooit andere drugs gebruikte (6,5%)",
                  PERIOD)] == "84"
    # Reach of 12–17 as published (rounded to fives) and its share of 91.
    reached = cells[("Bereikte jongeren van 12–17 jaar", PERIOD)]
    share = cells[("… als deel van de geschatte groep van 12–17 jaar", PERIOD)]
    assert reached == "–" and share == "–" or share == f"{round(100 * int(reached) / 91)}%"
    assert "Een schatting, geen telling" in html
    assert "Percentages: Gezondheidsmonitor GGD NOG (2019)" in html
    assert "Inwoners: CBS StatLine, 1 januari (2026)" in html
    csv_text = client.get("/report/export.csv", query_string=ARGS).get_data(as_text=True)
    assert pupils in csv_text


def test_demo_fills_plausible_heerde_values_and_the_report_shows_the_reach_share(app, runner, query, auth, client):
    """seed-demo enters the memo's GGD figures and Heerde's youths (about 18,800 inhabitants); on the demo year the
    report gives the reach of 12–17 as a share of the estimated group."""
    assert runner.invoke(args=["seed-demo", "--end-date", "2026-11-27"]).exit_code == 0
    row = stored(query)
    assert (row["pupils_soft_drugs"], row["young_adults_soft_drugs"], row["ggd_year"]) == (7, 31, 2019)
    youths = sum(row[c] for c in context.INHABITANTS.values())
    assert 0.1 < youths / 18_800 < 0.16 and "Heerde" in row["inhabitants_source"]
    auth.login_role("manager")
    period = {"van": "2025-12", "tot": "2026-11"}
    cells = {k[0]: v for k, v in shown(client.get("/report/", query_string=period).get_data(as_text=True)).items()
             if k[1] == "dec 2025 – nov 2026"}
    estimate = round((row["inhabitants_12_15"] + row["inhabitants_16_17"]) * 7 / 100)
    label = next(k for k in cells if k.startswith("Geschatte groep middelbare scholieren") and "softdrugs" in k)
    assert cells[label] == str(estimate)
    reached = int(cells["Bereikte jongeren van 12–17 jaar"])
    assert reached % 5 == 0 and reached > 0  # Rounded to fives like every count of youths.
    assert cells["… als deel van de geschatte groep van 12–17 jaar"] == f"{round(100 * reached / estimate)}%"
