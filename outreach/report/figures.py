"""The pilot report's raw figures for one period, as plain numbers: queries only, no suppression, no rendering.

Counts of contacts, visits and youths come from the monthly roll-ups (see rollups.py); concerns and handoffs
are few enough to count directly. A period is whole months, so a youth's presence is a bit test per year.
"""
import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date

from ..vocab import IN_CARE
from .cohorts import COHORTS

FUTURE = ("school_dropout", "no_work_or_school")  # Risk signals that speak to toekomstperspectief (the memo).

SIDE = ThreadPoolExecutor(max_workers=2, thread_name_prefix="report")  # see run()
TOP_SPOTS = 15  # Visits per spot: the busiest fifteen, the rest in one row, so the table stays readable.


@dataclass(frozen=True)
class Period:
    """Whole months from `first` to `last` ('YYYY-MM', both included)."""
    first: str
    last: str

    @property
    def months(self):
        """Every 'YYYY-MM' in the period, in order."""
        y, m = map(int, self.first.split("-"))
        out = []
        while f"{y:04d}-{m:02d}" <= self.last:
            out.append(f"{y:04d}-{m:02d}")
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return out

    @property
    def start(self):
        """First day, as the text local moments start with."""
        return f"{self.first}-01"

    @property
    def end(self):
        """The first day after the period (exclusive bound)."""
        y, m = map(int, self.last.split("-"))
        return f"{y + (m == 12):04d}-{m % 12 + 1:02d}-01"

    def previous(self):
        """The period of equal length just before this one."""
        n = len(self.months)
        y, m = map(int, self.first.split("-"))
        index = y * 12 + m - 1 - n
        first = date(index // 12, index % 12 + 1, 1)
        index += n - 1
        return Period(first.strftime("%Y-%m"), date(index // 12, index % 12 + 1, 1).strftime("%Y-%m"))


# The period's months within one year of report_reach as a 12-bit mask (bit 0 = January): the first and the
# last year may be partial, the years between are whole.
MASK = "(CASE {y} WHEN :fy THEN :first_mask WHEN :ly THEN :last_mask ELSE 4095 END)"
IN_PERIOD = "year BETWEEN :fy AND :ly AND months & " + MASK.format(y="year")
# A month as one comparable number: year * 4096 + its bit. For bits of one year, the lowest bit (m & -m) is
# the earliest month, and a mask holds a month at or after bit b exactly when the mask is >= b.
ED = "(ed_months & " + MASK.format(y="year") + ")"
HELP = "(help_months & " + MASK.format(y="year") + ")"
# Per reached youth: age, gender, met with the ED in the period, a handoff or a question for help at or after
# the first ED month (for the others: in the period), the first stage recorded and the one in force at the end.
# Joined from constants only (ED, HELP, IN_PERIOD); every value is a bound parameter, hence the nosec B608 marks.
PEOPLE = (
    "WITH r AS (SELECT youth_id, age_band, gender, "  # nosec B608
    "min(CASE WHEN " + ED + " THEN year * 4096 + (" + ED + " & -" + ED + ") END) AS first_ed, "  # nosec B608
    "max(CASE WHEN " + HELP + " THEN year * 4096 + " + HELP + " END) AS last_help, "  # nosec B608
    # Stages as copied onto the roll-up; only a stage set after the period needs the history itself.
    "CASE WHEN first_at < :end THEN first_stage END AS first_stage, "
    "CASE WHEN last_at < :end OR last_at IS NULL THEN last_stage ELSE (SELECT stage FROM youth_stages s "
    "WHERE s.youth_id = yy.youth_id AND s.set_at < :end ORDER BY set_at DESC, id DESC LIMIT 1) END AS last_stage "
    "FROM report_youth_years yy WHERE " + IN_PERIOD + " GROUP BY youth_id), "  # nosec B608
    "h AS (SELECT youth_id, max(CAST(substr(sent_at, 1, 4) AS INTEGER) * 4096 "
    "+ (1 << (CAST(substr(sent_at, 6, 2) AS INTEGER) - 1))) AS last_sent FROM handoffs "
    "WHERE sent_at >= :start AND sent_at < :end GROUP BY youth_id) "
    "SELECT r.age_band, r.gender, r.first_ed IS NOT NULL, "
    "coalesce(r.last_help >= coalesce(r.first_ed, 0) OR h.last_sent >= coalesce(r.first_ed, 0), 0), "
    "r.first_stage, r.last_stage, count(*) FROM r LEFT JOIN h ON h.youth_id = r.youth_id GROUP BY 1, 2, 3, 4, 5, 6")

QUERIES = {
    "months": "SELECT month, contacts, ed, group_contacts, group_youths, minutes FROM report_contacts "
              "WHERE month BETWEEN :first AND :last",
    "spots_identified": "SELECT count(*) FROM spots WHERE first_identified >= :start AND first_identified < :end",
    "people": PEOPLE,
    # Distinct youths: a youth met at a spot in two calendar years has two rows there.
    "reach_per_spot": "SELECT s.id, s.name, s.lat, s.lon, r.n FROM (SELECT spot_id, count(DISTINCT youth_id) AS n "
                      "FROM report_reach WHERE " + IN_PERIOD + " GROUP BY spot_id) r JOIN spots s ON s.id = r.spot_id",  # nosec B608
    "substances": "SELECT month, substance, sum(contacts) FROM report_substances "
                  "WHERE month BETWEEN :first AND :last GROUP BY 1, 2",
    # Additive counts by month: each month's count is a unit of the grid every period's figure is summed from.
    "concerns": "SELECT substr(received_at, 1, 7), source, level, count(*) FROM concerns "
                "WHERE received_at >= :start AND received_at < :end GROUP BY 1, 2, 3",
    # Visits per spot as month units; only a small unit (1 to 4) needs its own draw, so the others come summed
    # per spot (month NULL): a third of the rows at a million contacts, and the same published sums.
    "spot_months": "SELECT CASE WHEN visits BETWEEN 1 AND 4 THEN month END, spot_id, sum(visits) FROM report_visits "
                   "WHERE month BETWEEN :first AND :last GROUP BY spot_id, 1",
    "handoff_months": "SELECT substr(sent_at, 1, 7), count(*), count(accepted_at) FROM handoffs "
                      "WHERE sent_at >= :start AND sent_at < :end GROUP BY 1",
    # The ED comparison and the time to trust (cohorts.py) follow each youth from their first month: per youth,
    # that month, whether the ED was there, the first question for help or handoff from then on, and the month of
    # the first handoff; grouped, as month codes (year * 4096 + bit), so only a few hundred rows leave SQL.
    "cohorts": COHORTS,
    "concern_youths": "SELECT count(*), coalesce(sum(EXISTS (SELECT 1 FROM handoffs h WHERE h.youth_id = c.youth_id "
                      "AND h.accepted_at < :end AND (h.outcome IS NULL OR h.outcome IN (:care1, :care2)))), 0) "
                      "FROM (SELECT DISTINCT youth_id FROM concerns WHERE received_at >= :start "
                      "AND received_at < :end) c",
    # Youths the CJG took on in the period, unless the handoff was closed with an outcome that is not care.
    "in_care": "SELECT count(DISTINCT youth_id) FROM handoffs WHERE accepted_at >= :start AND accepted_at < :end "
               "AND (outcome IS NULL OR outcome IN (:care1, :care2))",
    "outcomes": "SELECT substr(closed_at, 1, 7), outcome, count(*) FROM handoffs WHERE closed_at >= :start "
                "AND closed_at < :end AND outcome IS NOT NULL GROUP BY 1, 2",
    # What the worker saw and heard (roll-ups of migration 0017, see core/signals.py): topics per month, visits
    # with use or dealing seen per month and kind of spot, and the reached youths' risk signals ('' = school or
    # work, the memo's toekomstperspectief: a youth with both counts once).
    "topics": "SELECT month, topic, contacts FROM report_topics WHERE month BETWEEN :first AND :last",
    "visit_signs": "SELECT month, kind, use_seen, dealing_seen FROM report_visit_signs "
                   "WHERE month BETWEEN :first AND :last",
    # From the signals (a few per youth) to whether that youth was met in the period: one look-up each.
    "risks": "WITH s AS MATERIALIZED (SELECT youth_id, signal FROM report_youth_signals s WHERE EXISTS "  # nosec B608
             "(SELECT 1 FROM report_youth_years y WHERE y.youth_id = s.youth_id AND " + IN_PERIOD + ")) "
             "SELECT signal, count(*) FROM s GROUP BY 1 UNION ALL "
             "SELECT '', count(DISTINCT youth_id) FROM s WHERE signal IN (:future1, :future2)",
    # Minutes on the street from ended rounds, by the month the round started and whether the ED was there (a
    # roll-up too: at a million contacts there are a hundred thousand rounds, and julianday() on each is slow).
    "rounds": "SELECT month, ed, rounds, minutes FROM report_rounds WHERE month BETWEEN :first AND :last",
}

# Day spans whose median the report shows, each over the events of the period.
SPANS = {
    "concern_contact": "SELECT julianday(first_contact_at) - julianday(received_at) FROM concerns "
                       "WHERE received_at >= :start AND received_at < :end AND first_contact_at IS NOT NULL",
    "concern_handoff": "SELECT julianday(h.sent_at) - julianday(min(c.received_at)) FROM handoffs h "
                       "JOIN handoff_concerns hc ON hc.handoff_id = h.id JOIN concerns c ON c.id = hc.concern_id "
                       "WHERE h.sent_at >= :start AND h.sent_at < :end GROUP BY h.id",
    "handoff_received": "SELECT julianday(received_at) - julianday(sent_at) FROM handoffs "
                        "WHERE sent_at >= :start AND sent_at < :end AND received_at IS NOT NULL",
    "handoff_accepted": "SELECT julianday(accepted_at) - julianday(sent_at) FROM handoffs "
                        "WHERE sent_at >= :start AND sent_at < :end AND accepted_at IS NOT NULL",
}
# Median and count in SQL, so a large period does not ship every span to Python.
MEDIAN = ("WITH d(v) AS ({}) SELECT (SELECT count(*) FROM d), (SELECT avg(v) FROM (SELECT v FROM d ORDER BY v "
          "LIMIT 2 - (SELECT count(*) FROM d) % 2 OFFSET ((SELECT count(*) FROM d) - 1) / 2))")


def params(period):
    """The named parameters every query may use."""
    first, last = period.months[0], period.months[-1]
    (fy, fm), (ly, lm) = (map(int, first.split("-")), map(int, last.split("-")))
    return {"first": first, "last": last, "start": period.start, "end": period.end,
            "fy": fy, "ly": ly, "first_code": fy * 4096 + (1 << fm - 1), "last_code": ly * 4096 + (1 << lm - 1),
            # Bits from the first month on in the first year, up to the last month in the last year.
            "first_mask": (4095 >> fm - 1 << fm - 1) & (4095 if ly > fy else (1 << lm) - 1),
            "last_mask": (1 << lm) - 1 if ly > fy else (4095 >> fm - 1 << fm - 1) & ((1 << lm) - 1),
            "care1": IN_CARE[0], "care2": IN_CARE[1],
            "future1": FUTURE[0], "future2": FUTURE[1]}


def run(db, period, reach=True, pool=None):
    """Every query of the report for one period: {name: rows}, and {span: (n, median days)}.

    reach: youths per spot, for the page's map only; pool: the app's connection pool, to run the per-youth
    query on a second connection beside the others.
    """
    values = params(period)
    skip = {"reach_per_spot"} if not reach else set()
    # The per-youth queries take as long as all others together at a million contacts: on a second connection
    # (WAL readers do not block each other, one read snapshot of their own) the report uses both server cores.
    side = SIDE.submit(_side, pool, values) if pool else None
    skip |= set(SIDE_QUERIES) if pool else set()
    # One read snapshot for all of them, so a contact saved meanwhile cannot make a part exceed its total.
    db.execute("BEGIN")
    try:
        rows = {name: db.execute(sql, values).fetchall() if name not in skip else []
                for name, sql in QUERIES.items()}
        rows["visits"] = busiest(db, rows["spot_months"])
        spans = {name: tuple(db.execute(MEDIAN.format(sql), values).fetchone()) for name, sql in SPANS.items()}
    finally:
        db.execute("ROLLBACK")
    if side:
        rows.update(side.result())
    return rows, spans


SIDE_QUERIES = ("people", "risks", "cohorts")  # about half the SQL time at a million contacts


def _side(pool, values):
    """The per-youth queries on the side thread's own connection, in one read snapshot."""
    conn = pool.get()
    conn.execute("BEGIN")
    try:
        return {name: conn.execute(QUERIES[name], values).fetchall() for name in SIDE_QUERIES}
    finally:
        conn.execute("ROLLBACK")


def busiest(db, spot_months):
    """The busiest spots of the period from its visits per spot (query spot_months), as the report's table wants
    them: (spot, name, visits there, spots visited, visits in all), the TOP_SPOTS most visited (ties by spot id),
    ordered by visits and name. Summed here rather than in a second pass of SQL over report_visits."""
    per_spot = {}
    for _month, spot, n in spot_months:
        per_spot[spot] = per_spot.get(spot, 0) + n
    top = sorted(per_spot.items(), key=lambda s: (-s[1], s[0]))[:TOP_SPOTS]
    names = dict(db.execute("SELECT id, name FROM spots WHERE id IN (SELECT value FROM json_each(?))",
                            [json.dumps([spot for spot, _ in top])]).fetchall()) if top else {}
    everything = sum(per_spot.values())
    return sorted([(spot, names[spot], n, len(per_spot), everything) for spot, n in top if spot in names],
                  key=lambda r: (-r[2], r[1]))


def month_of(code):
    """'YYYY-MM' of a month number year * 4096 + bit."""
    return f"{code // 4096:04d}-{(code % 4096).bit_length():02d}"


def count_by(rows, index, keys=None):
    """Sum the last column of rows per value of column `index`, in the order of `keys` when given."""
    totals = {}
    for row in rows:
        totals[row[index]] = totals.get(row[index], 0) + row[-1]
    return {k: totals.get(k, 0) for k in keys} if keys is not None else totals


__all__ = ["Period", "run", "count_by"]
