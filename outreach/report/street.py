"""What the street tells beyond reach: topics, use and dealing seen at hangplekken, risk signals (toekomstperspectief),
hours on rounds, and the GGD context of the memo. Raw figures into the Sheet here; words and layout in sections.py.

Counts of contacts and visits are month units (protect.py rule 1), so every period's figure is a sum of the same
protected units; counts of youths with a risk signal are distinct youths, published rounded (rule 2).
"""
from ..core.context import GROUPS, group_inhabitants
from ..vocab import GGD_GROUP, RISK_SIGNAL, SPOT_KIND, TOPIC

# The GGD groups (core/context.py: which of the report's age bands stand for each) as the report names their ages.
AGES = {"pupils": "12–17 jaar", "young_adults": "18–23 jaar"}


def quarter(month):
    """'2026-05' as '2026-K2'."""
    return f"{month[:4]}-K{(int(month[5:7]) - 1) // 3 + 1}"


def quarters(months):
    """The quarters the months fall in, in order: {'2026-K2': '2026 K2'}, one covered in part marked '(deels)'."""
    out = {}
    for m in months:
        out.setdefault(quarter(m), []).append(m)
    return {q: f"{q[:4]} {q[5:]}" + ("" if len(ms) == 3 else " (deels)") for q, ms in out.items()}


def street_cells(s, rows, months):
    """Add topics, visit signs and risk signals to the sheet `s` from the query rows of the period's months."""
    topic_units = {}
    for month, topic, n in rows["topics"]:
        topic_units.setdefault(topic, {})[f"topic/{month}/{topic}"] = n
    for code in TOPIC:
        s.add(f"topic:{code}", topic_units.get(code, {}))
    use, dealing = {}, {}
    for month, kind, used, dealt in rows["visit_signs"]:
        use.setdefault(kind, {})[f"use/{month}/{kind}"] = used
        dealing.setdefault(kind, {})[f"dealing/{month}/{kind}"] = dealt
    for code in SPOT_KIND:
        s.add(f"use_kind:{code}", use.get(code, {}))
        s.add(f"dealing_kind:{code}", dealing.get(code, {}))
    s.add("use_visits", {k: n for units in use.values() for k, n in units.items()})
    s.add("dealing_visits", {k: n for units in dealing.values() for k, n in units.items()})
    # By quarter, from the same month units (the trend the whole pilot has no previous period for).
    for q in quarters(months):
        for name, by_kind in (("use", use), ("dealing", dealing)):
            s.add(f"{name}_quarter:{q}", {k: n for units in by_kind.values() for k, n in units.items()
                                          if quarter(k.split("/")[1]) == q})
    risks = dict(rows["risks"])
    for code in RISK_SIGNAL:
        s.cells[f"risk:{code}"] = risks.get(code, 0)
    s.cells["risk_future"] = risks.get("", 0)
    # Hours are not counts of people: shown as they are, without suppression (a round says nothing of who was met).
    hours = {True: 0.0, False: 0.0}
    for _month, ed, _n, minutes in rows["rounds"]:
        hours[bool(ed)] += (minutes or 0) / 60
    s.hours = {"ed": hours[True], "no_ed": hours[False], "all": hours[True] + hours[False]}


def per(amount, published):
    """amount ÷ a published count, or None unless that count is shown as a number of at least 5.

    Always the published (protected) count, never the true one: amount and the quotient together would give
    the true count back (hours × rate ÷ cost per toeleiding = toeleidingen).
    """
    return amount / published if isinstance(published, int) and published >= 5 else None


def costs(cur, settings):
    """Hours, hours per youth and per toeleiding, cost per toeleiding (rate and/or budget): {name: value or None}."""
    hours = cur.sheet.hours["all"]
    rate, budget = settings.get("REPORT_HOURLY_COST"), settings.get("REPORT_PILOT_BUDGET")
    handoffs = cur["handoffs"]
    return {"hours": hours, "hours_ed": cur.sheet.hours["ed"], "hours_no_ed": cur.sheet.hours["no_ed"],
            "per_youth": per(hours, cur["reached"]) if hours else None,
            "per_handoff": per(hours, handoffs) if hours else None,
            "cost_per_handoff": per(hours * rate, handoffs) if rate and hours else None,
            "budget_per_handoff": per(budget, handoffs) if budget else None, "rate": rate, "budget": budget}


def ggd_context(cur, figures):
    """The estimated size of each GGD group (its inhabitants × the GGD share) beside the youths reached there.

    figures: what the admin entered (core/context.py), or None while nothing is entered: then no estimate.
    """
    out = []
    for group, bands in GROUPS.items():
        if not figures:
            continue
        people = group_inhabitants(figures, group)
        soft, other = figures[f"{group}_soft_drugs"], figures[f"{group}_other_drugs"]
        estimate = round(people * soft / 100)  # Not a count of anyone in the data: inhabitants × a share.
        reached = [cur[f"age:{band}"] for band in bands]
        # Sums of published (rounded) counts only; a '<5' among them leaves the sum unknown.
        known = sum(reached) if all(isinstance(r, int) for r in reached) else None
        out.append({"group": group, "label": GGD_GROUP[group], "ages": AGES[group], "inhabitants": people,
                    "share": soft, "estimate": estimate, "other_share": other,
                    "other_estimate": None if other is None else round(people * other / 100), "reached": known,
                    "reach_share": round(100 * known / estimate) if known is not None and estimate else None})
    return out
