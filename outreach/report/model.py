"""From raw figures to what the report may show: cells, the sums that tie them, small-cell protection, labels.

Every count goes into one `cells` dict per period, every breakdown into a line (parts add up to a total), and
protect.protect() decides per period what may be published. Complements that are not shown (e.g. handoffs
not accepted) are cells too, so a small one cannot be worked out from two published figures.
"""
from dataclasses import dataclass, field

from flask import current_app

from ..vocab import AGE_BAND, CONCERN_LEVEL, CONCERN_SOURCE, GENDER, OUTCOME, STAGE, SUBSTANCE
from .figures import count_by, month_of, run
from .protect import HIDDEN, protect, share

STAGE_ROWS = [None, *STAGE]
# The counts a council reads first; small-cell protection hides other counts before these.
HEADLINE = ("reached", "new", "contacts", "concerns", "handoffs", "in_care", "concern_youths", "visits")
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

    def breakdown(self, prefix, values, total):
        """Add cells prefix:label for each value and the line saying they add up to `total`."""
        keys = [f"{prefix}:{label}" for label in values]
        self.cells.update(zip(keys, values.values()))
        self.lines.append((keys, total))


def collect(db, period, reach=True, pool=None):
    """The raw figures of one period as a Sheet, built the same way whichever page shows the period."""
    rows, spans = run(db, period, reach, pool)
    s = Sheet()
    months = {r[0]: r[1:] for r in rows["months"]}
    month_sum = [sum(m[i] or 0 for m in months.values()) for i in range(5)]
    contacts, ed, groups, group_youths, s.minutes = month_sum
    people = rows["people"]  # age, gender, met with ED, later handoff or help, first stage, last stage, count
    reached = sum(r[-1] for r in people)
    s.cells.update({"contacts": contacts, "reached": reached, "group_contacts": groups, "group_youths": group_youths,
                    "single_contacts": contacts - groups, "ed_contacts": ed, "no_ed_contacts": contacts - ed})
    s.lines += [(["group_contacts", "single_contacts"], "contacts"), (["ed_contacts", "no_ed_contacts"], "contacts")]
    s.breakdown("month_contacts", {m: (months.get(m) or [0])[0] or 0 for m in period.months}, "contacts")
    new = {month_of(r[0]): r[1] for r in rows["new"]}
    s.cells["new"] = sum(new.values())
    s.breakdown("month_new", {m: new.get(m, 0) for m in period.months}, "new")
    s.breakdown("age", count_by(people, 0, AGE_BAND), "reached")
    s.breakdown("gender", count_by(people, 1, GENDER), "reached")

    top = rows["visits"]  # spot, name, visits there, spots visited, visits in all (the last two on every row)
    spots_visited, s.cells["visits"] = top[0][3:] if top else (0, 0)
    per_spot = {r[0]: r[2] for r in top}
    per_spot["rest"] = s.cells["visits"] - sum(per_spot.values())
    s.breakdown("spot_visits", per_spot, "visits")
    # Counts of places, not of youths or events: shown as they are (and the visits table names them anyway).
    s.places = {"spots_visited": spots_visited, "spots_identified": rows["spots_identified"][0][0]}

    concerns = rows["concerns"]
    s.cells["concerns"] = sum(r[-1] for r in concerns)
    s.breakdown("source", count_by(concerns, 0, CONCERN_SOURCE), "concerns")
    s.breakdown("level", count_by(concerns, 1, CONCERN_LEVEL), "concerns")
    with_concern, cared = rows["concern_youths"][0]
    s.cells.update({"concern_youths": with_concern, "concern_in_care": cared, "concern_not_in_care": with_concern - cared,
                    "in_care": rows["in_care"][0][0]})
    s.lines.append((["concern_in_care", "concern_not_in_care"], "concern_youths"))
    sent, accepted = rows["handoffs"][0]
    s.cells.update({"handoffs": sent, "accepted": accepted, "not_accepted": sent - accepted})
    s.lines.append((["accepted", "not_accepted"], "handoffs"))
    outcomes = count_by(rows["outcomes"], 0, OUTCOME)
    s.cells["closed"] = sum(outcomes.values())
    s.breakdown("outcome", outcomes, "closed")
    for name, (n, median) in spans.items():
        s.cells[f"n_{name}"] = n
        s.medians[name] = median

    s.cells.update({f"substance:{k}": v for k, v in count_by(rows["substances"], 0, SUBSTANCE).items()})
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
        return share(self.sheet.cells[part], self.sheet.cells[base])

    def median(self, name):
        """Median days over at least five events, else None."""
        n = self.sheet.cells[f"n_{name}"]
        return self.sheet.medians[name] if n >= 5 else None

    def hours(self):
        """Hours of contact, shown only when the contacts themselves are not a small count."""
        return round(self.sheet.minutes / 60) if isinstance(self.values["contacts"], int) else None


def publish(sheet):
    """Protect one period's counts (invariant 3); a group of counts that cannot be protected is withheld."""
    # The stage distributions (the transition table's margins) say more to a council than its inner cells.
    keep = [*HEADLINE, *(k for k in sheet.cells if k.startswith(("stage_first:", "stage_last:")))]
    values = protect(sheet.cells, sheet.lines, withhold=True, keep=keep)
    # Every group contact has at least two youths present: beside a hidden number of group contacts, the
    # number of youths in them would bound it, so it is hidden too (it is 5 or more, or '<5' already).
    if not isinstance(values["group_contacts"], int) and isinstance(values["group_youths"], int) \
            and values["group_youths"] > 0:
        values["group_youths"] = HIDDEN
    return Published(values, sheet)


def build(db, period, reach=True):
    """Both periods, protected: (current, previous, raw rows of the current period for the map)."""
    pool = current_app.extensions["outreach.db"]
    current, rows = collect(db, period, reach=reach, pool=pool)
    # Built exactly as on its own page, so the two pages protect the previous period the same way.
    previous, _ = collect(db, period.previous(), reach=False, pool=pool)
    return publish(current), publish(previous), rows
