"""The report's street signals (topics, use and dealing seen, risk signals), hours and cost, and the GGD context:
hand counts on the small pilot dataset, roll-ups that follow every write and fill themselves once, the page."""
import re

import pytest

from outreach.core import signals
from outreach.core.db import connect
from outreach.report.figures import Period
from outreach.report.street import per, quarters

from test_report import ARGS, PERIOD, pilot, sheet, shown  # noqa: F401 - pilot is a fixture

PREVIOUS = Period("2025-12", "2026-02")


@pytest.fixture
def street(pilot):  # noqa: F811 - the fixture imported above
    """The pilot dataset with topics, visit signs, risk signals and rounds worked out by hand."""
    db = connect(pilot.config["DATABASE"])
    with db.atomic():
        db.execute("update spots set kind = 'station' where id = 2")
        db.execute("update contacts set topics = '[\"school_work\", \"dealing\"]' where id = 6")
        db.execute("update visits set use_seen = 1, dealing_seen = 1 where id = 1")  # Skatebaan (park), March
        db.execute("update visits set use_seen = 1 where id = 3")  # Station, April
        db.execute("update visits set dealing_seen = 1 where id = 5")  # Station, January
        for yid, risks in [(1, '["school_dropout", "adhd"]'), (2, '["no_work_or_school", "school_dropout"]'),
                           (6, '["no_work_or_school"]')]:
            db.execute("update youths set risk_signals = ? where id = ?", [risks, yid])
        db["rounds"].insert_all([{"worker_id": 1, "started_at": start, "ended_at": end, "ed_present": ed,
                                  "created_at": "2026-01-01T00:00:00Z"} for start, end, ed in [
            ("2026-03-05 18:00", "2026-03-05 21:30", 1), ("2026-04-10 19:00", "2026-04-10 22:00", 0),
            ("2026-05-31 23:00", None, 0),  # still running
            ("2026-01-10 18:00", "2026-01-10 20:00", 0)]])
    db.close()
    return pilot


def test_street_figures_match_the_hand_count(street):
    """Topics of current contacts, visits with use or dealing seen by kind of spot, risk signals of reached youths."""
    s = sheet(street)
    c = s.cells
    assert (c["topic:help"], c["topic:substance_use"], c["topic:school_work"], c["topic:dealing"]) == (2, 1, 1, 1)
    assert (c["use_visits"], c["use_kind:park"], c["use_kind:station"]) == (2, 1, 1)
    assert (c["dealing_visits"], c["dealing_kind:park"], c["dealing_kind:station"]) == (1, 1, 0)
    # March–May by quarter: March alone of K1, April and May of K2.
    assert (c["use_quarter:2026-K1"], c["use_quarter:2026-K2"], c["dealing_quarter:2026-K2"]) == (1, 1, 0)
    assert quarters(s.months) == {"2026-K1": "2026 K1 (deels)", "2026-K2": "2026 K2 (deels)"}
    # Youths 1-5 were reached in March-May: 1 and 2 with schooluitval, 2 also without work; 6 only before.
    assert (c["risk:school_dropout"], c["risk:no_work_or_school"], c["risk:adhd"], c["risk_future"]) == (2, 1, 1, 2)
    assert s.hours == {"ed": 3.5, "no_ed": 3.0, "all": 6.5}  # The running round does not count yet.
    p = sheet(street, PREVIOUS)
    assert (p.cells["dealing_kind:station"], p.cells["use_visits"], p.cells["risk_future"]) == (1, 0, 2)
    assert p.hours["all"] == 2.0


def test_street_rollups_follow_every_write_and_fill_themselves_once(street):
    """Edits, corrections, deletes, a merge and the migration's own backfill all give the counts from scratch."""
    db = connect(street.config["DATABASE"])
    assert db.execute("select count(*) from report_topics").fetchone()[0] > 0
    with db.atomic():
        db.execute("update contacts set contacted_at = '2026-04-30 10:00', topics = '[\"home\"]' where id = 1")
        db.execute("update contacts set replaced_by = null where id = 7")
        db.execute("update contacts set replaced_by = 7 where id = 3")
        db.execute("delete from contact_youths where contact_id = 4")
        db.execute("delete from contacts where id = 4")
        db.execute("update visits set spot_id = 3, visited_at = '2026-02-02 10:00', dealing_seen = 0 where id = 1")
        db.execute("update visits set use_seen = 0 where id = 3")
        db.execute("delete from visits where id = 5")
        db.execute("update spots set kind = 'skatepark' where id = 1")  # its visits move along
        db.execute("update youths set risk_signals = '[\"lvb\", \"lvb\"]' where id = 1")  # a double counts once
        db.execute("update youths set risk_signals = (select risk_signals from youths where id = 6) where id = 2")
        db.execute("update youths set merged_into = 2 where id = 6")
        db.execute("update rounds set ended_at = '2026-06-01 01:15' where ended_at is null")  # ended after midnight
        db.execute("update rounds set ed_present = 1 where started_at like '2026-04%'")
        db.execute("delete from rounds where started_at like '2026-01%'")
    assert signals.drift(db) == {}
    assert db.execute("select month, ed, rounds, minutes from report_rounds order by 1, 2").fetchall() == [
        ("2026-03", 1, 1, 210), ("2026-04", 1, 1, 180), ("2026-05", 0, 1, 135)]
    stored = {t: sorted(db.execute(f"select * from {t}").fetchall()) for t in signals.EXPECTED}  # noqa: S608
    for name in signals.TRIGGERS:
        db.execute(f"drop trigger {name}")
    for table in signals.EXPECTED:
        db.execute(f"drop table {table}")
    signals.install(db)  # What migration 0017 does on a database with data.
    assert {t: sorted(db.execute(f"select * from {t}").fetchall()) for t in signals.EXPECTED} == stored  # noqa: S608
    db.execute("update contacts set topics = '[]' where id = 6")
    assert signals.drift(db) == {}  # and the triggers are back
    db.close()


def test_cost_divides_by_a_published_count_only():
    """Hours ÷ a count: never by a '<5' or a 0, or the true count would follow from the quotient."""
    assert per(100.0, 20) == 5.0
    assert per(100.0, "<5") is None and per(100.0, 0) is None and per(100.0, "x") is None


def test_page_names_where_hours_costs_and_ggd_figures_come_from(street, auth, client):
    """The sections say their sources; the figures are there in the page and the CSV alike."""
    street.config.update(REPORT_HOURLY_COST=80, REPORT_PILOT_BUDGET=None)
    auth.login_role("manager")
    html = client.get("/report/", query_string=ARGS).get_data(as_text=True)
    cells = shown(html)
    assert cells[("Uren op straat (afgesloten rondes)", "mrt 2026 – mei 2026")] == "6"  # 6.5 rounded half to even
    assert cells[("… waarvan met de ervaringsdeskundige", "mrt 2026 – mei 2026")] == "4"
    # Two handoffs show as '<5': no cost per toeleiding from them.
    assert cells[("Kosten per toeleiding (uren × uurtarief)", "mrt 2026 – mei 2026")] == "–"
    assert "het uurtarief van € 80 uit de instellingen" in html
    assert "de raadsmemo noemt geen bedrag" in html
    # No GGD figures entered yet: no estimate, and the section says who fills them in (tests/test_ggd.py).
    assert not any(label.startswith("Geschatte groep") for label, _ in cells)
    assert "de beheerder heeft de GGD-cijfers en het aantal inwoners per leeftijd nog niet ingevuld" in html
    assert cells[("Bezoeken met gebruik gezien, naar soort plek: station", "mrt 2026 – mei 2026")] in ("<5", "5")
    csv_body = client.get("/report/export.csv", query_string=ARGS).get_data(as_text=True)
    assert "Bereikte jongeren naar risicosignaal (een jongere kan meer signalen hebben): schooluitval" in csv_body


def test_cost_per_toeleiding_from_published_handoffs_on_the_demo_year(app, auth, client, runner):
    """The demo year with rounds: cost = hours × rate ÷ the handoffs as shown, budget ÷ the same."""
    # Twice the demo year: at scale 1 its handoffs come in months of 1 to 3, each counting as 0 or 5.
    assert runner.invoke(args=["seed-demo", "--end-date", "2026-11-27", "--scale", "2"]).exit_code == 0
    db = connect(app.config["DATABASE"])
    # The demo walks in rounds of its own: set those aside so the hours are the ten known rounds below.
    for sql in ("update contacts set round_id = null", "update visits set round_id = null", "delete from rounds",
                "delete from report_rounds"):
        db.execute(sql)
    db["rounds"].insert_all([{"worker_id": 1, "started_at": f"2026-{m:02d}-10 18:00",
                              "ended_at": f"2026-{m:02d}-10 22:00", "ed_present": m % 2,
                              "created_at": "2026-01-01T00:00:00Z"} for m in range(1, 11)])
    db.close()
    app.config.update(REPORT_HOURLY_COST=75, REPORT_PILOT_BUDGET=90000)
    auth.login_role("manager")
    html = client.get("/report/", query_string={"van": "2026-01", "tot": "2026-10"}).get_data(as_text=True)
    cells = shown(html)
    period = "jan 2026 – okt 2026"
    handoffs = int(cells[("Overdrachten naar het CJG", period)].replace(".", ""))
    assert cells[("Uren op straat (afgesloten rondes)", period)] == "40"
    assert cells[("… waarvan zonder ervaringsdeskundige", period)] == "20"
    cost = cells[("Kosten per toeleiding (uren × uurtarief)", period)]
    assert cost == f"€ {round(40 * 75 / handoffs):,}".replace(",", "."), (cost, handoffs)
    assert cells[("Pilotbudget per toeleiding", period)] == f"€ {round(90000 / handoffs):,}".replace(",", ".")
    summary = re.search(r'<p class="summary-text">(.*?)</p>', html, re.S).group(1)
    assert f"was 40 uur op straat, waarvan 20 met de ervaringsdeskundige; een toeleiding kostte zo {cost}" in summary
