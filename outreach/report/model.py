"""From raw figures to what the report may show: cells, their month units, small-cell protection, labels.

Every count goes into one `cells` dict per period. A count that adds up over months also names its month
units (`units`: key -> unit names, `unit_counts`: unit name -> count), and is published as the sum of its
units' protected values, never as a fresh exact count (protect.py explains why). Other counts are of
distinct youths and are published rounded.
"""
from dataclasses import dataclass, field

from flask import current_app

from ..vocab import AGE_BAND, CONCERN_LEVEL, CONCERN_SOURCE, GENDER, OUTCOME, STAGE, SUBSTANCE
from .cohorts import ed_cohorts
from .figures import count_by, month_of, run
from .protect import HIDDEN, SMALL, draw, round5, rounded, share, small
from .street import street_cells

STAGE_ROWS = [None, *STAGE]
MONTHS_NL = ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]


def month_label(month):
    """'2026-03' as 'mrt 2026'."""
    return f"{MONTHS_NL[int(month[5:7]) - 1]} {month[:4]}"


def stage_label(stage):
    """A Jellinek stage as shown in the report."""
    return f"{stage} · {STAGE[stage]}" if stage else "onbekend"


@dataclass
class Sheet:
    """One period's figures before protection: counts, the lines tying them, and the non-count statistics."""
    cells: dict = field(default_factory=dict)
    lines: list = field(default_factory=list)
    medians: dict = field(default_factory=dict)
    places: dict = field(default_factory=dict)
    minutes: int = 0
    hours: dict = field(default_factory=dict)  # Hours on ended rounds: all, with and without the ED (street.py).
    months: list = field(default_factory=list)  # The period's months, 'YYYY-MM'.
    units: dict = field(default_factory=dict)
    unit_counts: dict = field(default_factory=dict)

    def add(self, key, parts):
        """The count `key` is the sum of the month units `parts` ({unit name: count})."""
        self.units[key] = list(parts)
        self.unit_counts.update(parts)
        self.cells[key] = sum(parts.values())

    def breakdown(self, prefix, values, total):
        """Add cells prefix:label for each value and the line saying they add up to `total`."""
        keys = [f"{prefix}:{label}" for label in values]
        self.cells.update(zip(keys, values.values()))
        self.lines.append((keys, total))


def collect(db, period, reach=True, pool=None):
    """The raw figures of one period as a Sheet, built the same way whichever page shows the period."""
    rows, spans = run(db, period, reach, pool)
    s = Sheet(months=period.months)
    months = {r[0]: [v or 0 for v in r[1:]] for r in rows["months"]}
    ms = period.months

    def per_month(name, column):
        """Units name/month of one column of the contact roll-up."""
        return {f"{name}/{m}": column(months.get(m, [0] * 5)) for m in ms}

    group, single = per_month("group", lambda r: r[2]), per_month("single", lambda r: r[0] - r[2])
    s.add("contacts", {**group, **single})
    s.add("group_contacts", group)
    s.add("single_contacts", single)
    s.add("ed_contacts", per_month("ed", lambda r: r[1]))
    s.cells["no_ed_contacts"] = s.cells["contacts"] - s.cells["ed_contacts"]  # not published
    s.add("group_youths", per_month("group_youths", lambda r: r[3]))
    s.minutes = sum(months.get(m, [0] * 5)[4] for m in ms)
    for m in ms:
        s.add(f"month_contacts:{m}", {f"group/{m}": group[f"group/{m}"], f"single/{m}": single[f"single/{m}"]})
    people = rows["people"]  # age, gender, met with ED, later handoff or help, first stage, last stage, count
    reached = sum(r[-1] for r in people)
    s.cells["reached"] = reached
    new = {}  # Youths by the month of their first contact ever: the cohorts that start in the period (cohorts.py).
    for start, _ed, _helped, _sent, n in rows["cohorts"]:
        if period.first <= month_of(start) <= period.last:
            new[month_of(start)] = new.get(month_of(start), 0) + n
    for m in ms:
        s.add(f"month_new:{m}", {f"new/{m}": new.get(m, 0)})
    s.add("new", {f"new/{m}": new.get(m, 0) for m in ms})
    s.breakdown("age", count_by(people, 0, AGE_BAND), "reached")
    s.breakdown("gender", count_by(people, 1, GENDER), "reached")

    top = rows["visits"]  # spot, name, visits there, spots visited, visits in all (the last two on every row)
    spots_visited = top[0][3] if top else 0
    # One pass over the small month units of every spot and the sums of the others (never small: each is 0 or
    # at least 5), grouped by spot; the exact sums of a group go into one unit that needs no draw.
    shown_spots, by_spot = {r[0] for r in top}, {}
    for month, spot, n in rows["spot_months"]:
        group = spot if spot in shown_spots else "rest"
        units = by_spot.setdefault(group, {})
        if month is None:
            units[f"visits/exact/{group}"] = units.get(f"visits/exact/{group}", 0) + n
        else:
            units[f"visits/{month}/{spot}"] = n
    for spot in [*shown_spots, "rest"]:
        s.add(f"spot_visits:{spot}", by_spot.get(spot, {}))
    s.add("visits", {k: n for units in by_spot.values() for k, n in units.items()})
    # Counts of places, not of youths or events: shown as they are (and the visits table names them anyway).
    s.places = {"spots_visited": spots_visited, "spots_identified": rows["spots_identified"][0][0]}

    # Concerns: one unit per month, source and level, so both breakdowns and the total are sums of the same units.
    concern_units = {f"concerns/{r[0]}/{r[1]}/{r[2]}": r[3] for r in rows["concerns"]}
    s.add("concerns", concern_units)
    for prefix, index, values in (("source", 2, CONCERN_SOURCE), ("level", 3, CONCERN_LEVEL)):
        for code in values:
            s.add(f"{prefix}:{code}", {k: n for k, n in concern_units.items() if k.split("/")[index] == code})
    with_concern, cared = rows["concern_youths"][0]
    s.cells.update({"concern_youths": with_concern, "concern_in_care": cared, "concern_not_in_care": with_concern - cared,
                    "in_care": rows["in_care"][0][0]})
    accepted = {f"accepted/{r[0]}": r[2] for r in rows["handoff_months"]}
    refused = {f"not_accepted/{r[0]}": r[1] - r[2] for r in rows["handoff_months"]}
    s.add("handoffs", {**accepted, **refused})
    s.add("accepted", accepted)
    s.add("not_accepted", refused)
    outcome_units = {f"outcome/{r[0]}/{r[1]}": r[2] for r in rows["outcomes"]}
    s.add("closed", outcome_units)
    for code in OUTCOME:
        s.add(f"outcome:{code}", {k: n for k, n in outcome_units.items() if k.endswith(f"/{code}")})
    for name, (n, median) in spans.items():
        s.cells[f"n_{name}"] = n
        s.medians[name] = median

    substance_units = {f"substance/{r[0]}/{r[1]}": r[2] for r in rows["substances"]}
    for code in SUBSTANCE:
        s.add(f"substance:{code}", {k: n for k, n in substance_units.items() if k.endswith(f"/{code}")})
    ed_groups = {(bool(r[2]), bool(r[3])): 0 for r in people}
    for r in people:
        ed_groups[bool(r[2]), bool(r[3])] += r[-1]
    for flag, prefix in ((True, "ed"), (False, "no_ed")):
        later = ed_groups.get((flag, True), 0)
        met = later + ed_groups.get((flag, False), 0)
        s.cells.update({f"{prefix}_youths": met, f"{prefix}_later": later, f"{prefix}_not_later": met - later})
        s.lines.append(([f"{prefix}_later", f"{prefix}_not_later"], f"{prefix}_youths"))
    s.lines.append((["ed_youths", "no_ed_youths"], "reached"))
    transitions = {}
    for r in people:
        transitions[r[4], r[5]] = transitions.get((r[4], r[5]), 0) + r[-1]
    for a in STAGE_ROWS:
        s.cells[f"stage_first:{a}"] = sum(transitions.get((a, b), 0) for b in STAGE_ROWS)
        s.breakdown(f"stage:{a}", {b: transitions.get((a, b), 0) for b in STAGE_ROWS}, f"stage_first:{a}")
    for b in STAGE_ROWS:
        s.cells[f"stage_last:{b}"] = sum(transitions.get((a, b), 0) for a in STAGE_ROWS)
        s.lines.append(([f"stage:{a}:{b}" for a in STAGE_ROWS], f"stage_last:{b}"))
    s.lines.append(([f"stage_first:{a}" for a in STAGE_ROWS], "reached"))
    s.lines.append(([f"stage_last:{b}" for b in STAGE_ROWS], "reached"))
    s.cells.update({f"reach_spot:{r[0]}": r[4] for r in rows["reach_per_spot"]})
    ed_cohorts(s, period, rows)
    street_cells(s, rows, ms)
    return s, rows


@dataclass
class Published:
    """One period after protection: every value as the report shows it."""
    values: dict
    sheet: Sheet

    def __getitem__(self, key):
        """The published value of a count: an int (0 or ≥ 5), '<5' or 'x'; a count of places as it is."""
        return self.values[key] if key in self.values else self.sheet.places[key]

    def share(self, part, base):
        """A percentage that may be shown (both counts published and the share rule met), or None."""
        if not (isinstance(self.values[part], int) and isinstance(self.values[base], int)):
            return None
        if part in self.sheet.units:  # From the published sums: a share of month-unit figures adds nothing to them.
            return share(self.values[part], self.values[base])
        return share(self.sheet.cells[part], self.sheet.cells[base])

    def median(self, name):
        """Median days over at least five events, else None."""
        n = self.sheet.cells[f"n_{name}"]
        return self.sheet.medians[name] if n >= 5 else None

    def hours(self):
        """Hours of contact, shown only when the contacts themselves are not a small count."""
        return round(self.sheet.minutes / 60) if isinstance(self.values["contacts"], int) else None


def publish(sheet, period, secret):
    """Protect one period's counts (invariant 3): month-unit sums and rounded youth counts (see protect.py)."""
    # What each month unit adds to every sum it is in (protect.grid_sum, with one draw per small unit only).
    small_units = {u for u, n in sheet.unit_counts.items() if small(n)}
    adds = {u: round5(n, draw(secret, u)) if u in small_units else n for u, n in sheet.unit_counts.items()}
    values = {}
    for key, n in sheet.cells.items():
        if key in sheet.units:
            total = sum(adds[u] for u in sheet.units[key])
            values[key] = total if total or small_units.isdisjoint(sheet.units[key]) else SMALL
        else:
            values[key] = rounded(n, draw(secret, f"{key}@{period.first}..{period.last}"))
    # Every group contact has at least two youths present: beside a '<5' of group contacts, the number of
    # youths in them would bound it, so it is hidden too.
    if values["group_contacts"] == SMALL and isinstance(values["group_youths"], int) and values["group_youths"] > 0:
        values["group_youths"] = HIDDEN
    values["reached"] = _reached(sheet, values["new"], draw(secret, f"returning@{period.first}..{period.last}"))
    return Published(values, sheet)


def _reached(sheet, new, u):
    """Youths reached: the published new youths + the returning ones (met before the period) rounded to fives,
    then up to the next five.

    Built on cells already protected, so the reach can no longer read below the new youths (72 new beside 70
    reached), and it adds no exact number: a clamp of one to the other gave a month's count back. It stays a
    multiple of five like every count of youths, so the age and gender tables (rounded rows, this total) give no
    row back by subtraction (the differencing test caught an exact total doing so).
    """
    returning = max(0, sheet.cells["reached"] - sheet.cells["new"])
    total = (new if isinstance(new, int) else 0) + round5(returning, u)
    total += -total % 5
    return total if total or not sheet.cells["reached"] else SMALL


def build(db, period, reach=True, previous=True):
    """Both periods, protected: (current, previous, raw rows of the current period for the map).

    previous=False when the previous period lies wholly before the pilot: the report shows no figure of it (a dash),
    so it is not computed at all and the current period stands in for it (a third of the whole pilot's SQL).
    """
    pool = current_app.extensions["outreach.db"]
    secret = current_app.config["SECRET_KEY"]
    current, rows = collect(db, period, reach=reach, pool=pool)
    current = publish(current, period, secret)
    if not previous:
        return current, current, rows
    # Built exactly as on its own page, so the two pages protect the previous period the same way.
    before, _ = collect(db, period.previous(), reach=False, pool=pool)
    return current, publish(before, period.previous(), secret), rows
