"""Youths followed from their first month: the ED comparison and the time it takes to win trust before a handoff.

Month granularity, from the per-youth roll-up (report_youth_years), so the figures survive a purge. Every count
here is of distinct youths and is published rounded (protect.py); a share or median needs five youths or more.
"""


def index(year, month):
    """Months since year 0, so that differences are whole months."""
    return year * 12 + month - 1


def median(values):
    """The median of a sorted list, or None when empty."""
    return (values[(len(values) - 1) // 2] + values[len(values) // 2]) / 2 if values else None


def ed_cohorts(s, period, rows):
    """Youths first met in the period, with or without the ED in that first month: help within 3 and 6 months."""
    # Per youth: [first month, ED in that month, earliest help at or after it]; rows come by youth and year,
    # so bit tricks on each year's mask (lowest bit = earliest month) keep this one pass at 35,000 youths.
    seen = {}
    for youth, year, months, ed, helped in rows["youth_years"]:
        entry = seen.get(youth)
        if entry is None:
            low = months & -months
            entry = seen[youth] = [index(year, low.bit_length()), bool(ed & low), None]
            helped &= ~(low - 1)  # Only questions for help from the first month on.
        if entry[2] is None and helped:
            entry[2] = index(year, (helped & -helped).bit_length())
    first, last = (index(int(m[:4]), int(m[5:7])) for m in (period.first, period.last))
    trust = []  # Months from a youth's first contact to their first handoff, for handoffs sent in the period.
    for youth, month in rows["first_handoffs"]:
        entry = seen.get(youth)
        sent = index(int(month[:4]), int(month[5:7]))
        if entry and entry[0] <= sent:
            entry[2] = sent if entry[2] is None else min(entry[2], sent)
            if first <= sent <= last:
                trust.append(sent - entry[0])
    trust.sort()
    s.cells["n_trust"] = len(trust)
    s.medians["trust"] = median(trust)
    waits = {True: [], False: []}
    counts = {key: 0 for flag in ("ed", "no_ed") for key in
              (f"{flag}_new", f"{flag}_3m_base", f"{flag}_3m", f"{flag}_6m_base", f"{flag}_6m")}
    for start, with_ed, helped in seen.values():
        if not first <= start <= last:
            continue
        flag = "ed" if with_ed else "no_ed"
        wait = helped - start if helped is not None and helped <= last else None
        counts[f"{flag}_new"] += 1
        waits[flag == "ed"].append(wait)
        for n in (3, 6):
            if start + n - 1 <= last:  # Only youths followed for the whole window count in its share.
                counts[f"{flag}_{n}m_base"] += 1
                counts[f"{flag}_{n}m"] += wait is not None and wait < n
    s.cells.update(counts)
    for flag, name in ((True, "ed"), (False, "no_ed")):
        known = sorted(w for w in waits[flag] if w is not None)
        s.cells[f"n_{name}_wait"] = len(known)
        s.medians[f"{name}_wait"] = median(known)
