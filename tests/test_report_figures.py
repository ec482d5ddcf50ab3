"""The report's figures that are worked out in Python from other query rows or kept per youth by triggers, for speed
at a million contacts (outreach/report/figures.py, model.py, core/youth_first.py), against a fresh count over the
base tables, for every period of the demo year: new youths per month (from the cohorts), the busiest hangplekken and
the visits per spot (from the month units); and the per-youth roll-up of the cohorts against a fresh computation."""
import pytest

from outreach.core import youth_first
from outreach.core.db import connect
from outreach.report.figures import TOP_SPOTS, Period
from outreach.report.model import collect

from differencing import months_between
from test_report import pilot, shake_contacts  # noqa: F401 - pilot is a fixture

END = "2026-11-27"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo year in a database of its own (made once for this module), and a connection to it."""
    from conftest import make_app
    path = tmp_path_factory.mktemp("figures") / "straatwerk.sqlite"
    app = make_app(path, SECRET_KEY="figures")
    # Twice the demo year: 24 hangplekken, so the fifteen busiest are a real choice.
    assert app.test_cli_runner().invoke(args=["seed-demo", "--end-date", END, "--scale", "2"]).exit_code == 0
    app.extensions["outreach.db"].close_all()
    db = connect(path)
    yield db
    db.close()


def periods(db):
    """Every from–to pair of months of the demo year, and a year before it (no data at all)."""
    first = db.execute("select substr(min(contacted_at), 1, 7) from contacts").fetchone()[0]
    months = months_between(first, END[:7])
    return [Period(a, b) for i, a in enumerate(months) for b in months[i:]] + [Period("2024-01", "2024-12")]


def test_new_youths_and_busiest_spots_equal_a_fresh_count_for_every_period(demo):
    """New youths by the month of their first contact ever; visits per spot, the fifteen busiest, spots visited."""
    first_month = dict(demo.execute(
        "select cy.youth_id, substr(min(c.contacted_at), 1, 7) from contact_youths cy join contacts c "
        "on c.id = cy.contact_id where c.replaced_by is null group by cy.youth_id").fetchall())
    checked = 0
    for period in periods(demo):
        sheet = collect(demo, period, reach=False)[0]
        cells = sheet.cells
        months = period.months
        for m in months:
            assert cells[f"month_new:{m}"] == sum(1 for f in first_month.values() if f == m), (period, m)
        assert cells["new"] == sum(1 for f in first_month.values() if period.first <= f <= period.last)
        per_spot = dict(demo.execute(
            "select spot_id, count(*) from visits where visited_at >= ? and visited_at < ? group by spot_id",
            [period.start, period.end]).fetchall())
        top = sorted(per_spot.items(), key=lambda s: (-s[1], s[0]))[:TOP_SPOTS]
        shown = {int(k.split(":")[1]): n for k, n in cells.items()
                 if k.startswith("spot_visits:") and not k.endswith(":rest")}
        assert shown == dict(top), period
        assert cells["spot_visits:rest"] == sum(per_spot.values()) - sum(n for _, n in top)
        assert cells["visits"] == sum(per_spot.values()) and sheet.places["spots_visited"] == len(per_spot)
        checked += len(per_spot) > TOP_SPOTS
    assert checked >= 60  # The demo year's periods, not empty ones.


def test_youth_first_follows_every_write_and_fills_itself_once(pilot):  # noqa: F811 - the fixture imported above
    """report_youth_first (migration 0021) equals a fresh computation after edits, corrections, deletes, a merge and
    handoffs sent, moved and deleted; the migration's backfill gives the same rows; drift() sees a wrong row."""
    db = connect(pilot.config["DATABASE"])
    assert youth_first.drift(db) == () and db.execute("select count(*) from report_youth_first").fetchone()[0] == 6
    with db.atomic():
        shake_contacts(db, "contacted_at = '2025-11-30 10:00', ed_present = 1")
        db.execute("update handoffs set sent_at = '2025-10-01 09:00' where id = 1")
        db.execute("update handoffs set youth_id = 5 where id = 2")
        db.execute("delete from handoff_events where handoff_id = 3")
        db.execute("delete from handoffs where id = 3")
        db["handoffs"].insert({"youth_id": 6, "worker_id": 1, "reason": "r", "facts": "f", "urgency": "normal",
                               "consent": "yes", "status": "sent", "sent_at": "2026-05-20 10:00"})
    assert youth_first.drift(db) == ()
    stored = sorted(db.execute("select * from report_youth_first").fetchall())
    for name in youth_first.TRIGGERS:
        db.execute(f"drop trigger {name}")
    db.execute("drop table report_youth_first")
    youth_first.install(db)  # What migration 0021 does on a database with data.
    assert sorted(db.execute("select * from report_youth_first").fetchall()) == stored
    db.execute("update report_youth_first set helped = null where youth_id = 2")
    assert youth_first.drift(db) != ()
    db.close()


def test_youth_first_is_exact_after_the_demo_year(demo):
    """Every write of the demo year (contacts, links, handoffs) went through the triggers."""
    assert youth_first.drift(demo) == ()
    assert demo.execute("select count(*) from report_youth_first").fetchone()[0] > 100
