"""The demo year's concerns (with protected reporters) and handoffs in every status."""
import bisect
from datetime import date, datetime, timedelta

from ..core.crypto import sealed
from ..core.dates import day, stamp
from ..core.reporters import store
from ..vocab import CONCERN_SOURCE, OUTCOME, STAGE, counted, label
from . import data as D

AGE_RANGE = {"0-11": (10, 11), "12-15": (12, 15), "16-17": (16, 17), "18-23": (18, 23), "24+": (24, 26)}


def pick(rng, weighted):
    """One value from a list of (value, weight) pairs."""
    values, weights = zip(*weighted)
    return rng.choices(values, weights)[0]


def _at(day, hour):
    """A local wall-clock stamp at an hour of a day."""
    return stamp(datetime(day.year, day.month, day.day, hour, 0))


def seed_concerns_and_handoffs(db, rng, start, end, scale, youths, workers, cjg):
    """Insert concerns over the year (friends reporting more often later on) and the handoffs they led to."""
    concerns, reporters, handoff_youths = [], [], []
    # Youths in order of first sight, so "known by then" is a bisect, not a scan (35,000 youths at --scale 500).
    by_first_seen = sorted(youths, key=lambda y: y["_first_seen"])
    first_seen = [y["_first_seen"] for y in by_first_seen]
    for n in range(1, 30 * scale + 1):
        received = start + timedelta(days=int(rng.triangular(0, 364, 300)))
        sources = D.CONCERN_SOURCES_LATE if received > start + timedelta(days=182) else D.CONCERN_SOURCES_EARLY
        source = pick(rng, sources)
        known = bisect.bisect_right(first_seen, received + timedelta(days=14))
        youth = by_first_seen[rng.randrange(known)] if known else rng.choice(youths)
        age = (end - received).days
        # Every status occurs at least once; otherwise older concerns are more often finished.
        status = D.CONCERN_STATUSES[n % 5] if n <= 5 else (
            rng.choice(D.CONCERN_STATUSES[3:]) if age > 45 else rng.choice(D.CONCERN_STATUSES))
        if status == "handed_over" and age < 45:
            received = end - timedelta(days=rng.randint(45, 200))
        first_contact = received + timedelta(days=rng.randint(1, 14))
        closed = status in ("handed_over", "closed")
        concerns.append({
            "id": n, "youth_id": youth["id"], "recorded_by": workers[0], "received_at": _at(received, 16),
            "source": source, "worry": rng.choice(D.WORRIES), "facts": rng.choice(D.FACTS),
            "level": pick(rng, D.WORRY_LEVELS), "status": status,
            "close_reason": rng.choice(D.CLOSE_REASONS) if status == "closed" else None,
            "reporter_informed": int(closed and rng.random() < 0.7),
            "first_contact_at": _at(first_contact, 20) if status not in ("new", "investigating") else None,
            "closed_at": _at(first_contact + timedelta(days=rng.randint(3, 20)), 17) if closed else None,
            "created_at": received.strftime("%Y-%m-%dT15:00:00Z"),
        })
        # Reporter details exist only while a concern is open (invariant 2).
        if status in D.OPEN and source not in ("anonymous", "own_observation"):
            who = label(source, CONCERN_SOURCE)
            reporters.append({"concern_id": n, "name": f"{rng.choice(D.FIRST_NAMES)} ({who})",
                              "reach": f"06-{rng.randint(10000000, 99999999)}"})
        if status == "handed_over":
            handoff_youths.append((youth, n, received + timedelta(days=rng.randint(5, 30))))
    db["concerns"].insert_all(sealed("concerns", concerns))
    side = store()  # Reporter details live in their own file (outreach/core/reporters.py).
    with side.atomic():
        side["concern_reporters"].insert_all(sealed("concern_reporters", reporters), replace=True)
    # A few handoffs without a concern: youths the worker met herself at stage 4 or 5.
    serious = [y for y in youths if (y["stage"] or 0) >= 4][: 3 * scale]
    for youth in serious:
        handoff_youths.append((youth, None, max(youth["_first_seen"], start) + timedelta(days=rng.randint(30, 90))))
    _seed_handoffs(db, rng, end, handoff_youths, workers, cjg)
    accepted = [r[0] for r in db.execute("select id from handoffs where status = 'accepted' order by id desc limit 2")]
    if accepted:  # The worker has not yet read the CJG's word on the newest case in hand,
        db["handoffs"].update(accepted[0], {"worker_seen_at": None})
    if len(accepted) > 1:  # and the CJG not yet the worker's answer on the one before it.
        db["handoffs"].update(accepted[1], {"cjg_seen_at": None})


def _summary(db, youth_id, stage):
    """The timeline summary a worker would send: contacts, since when, stage, substances."""
    row = db.execute(
        "select count(*), min(c.contacted_at) from contacts c "
        "join contact_youths cy on cy.contact_id = c.id where cy.youth_id = ?", [youth_id]).fetchone()
    since = f" sinds {day(row[1])}" if row[1] else ""
    phase = f"{STAGE[stage]} (fase {stage})" if stage else "onbekend"
    return f"{counted(row[0], 'contactmoment', 'contactmomenten')}{since}. Huidige fase: {phase}."


def _seed_handoffs(db, rng, end, handoff_youths, workers, cjg):
    """Insert the handoffs with a timestamped event for every transition and some feedback."""
    handoffs, links, events = [], [], []
    for n, (youth, concern_id, sent) in enumerate(handoff_youths, start=1):
        status = D.HANDOFF_STATUSES[n % 5] if n <= 5 else rng.choice(D.HANDOFF_STATUSES[2:])
        if status == "sent":
            sent = end - timedelta(days=rng.choice([1, 5]))  # One fresh, one overdue.
        elif status == "received":
            sent = end - timedelta(days=3)
        sent = min(sent, end - timedelta(days=40)) if status not in ("sent", "received") else sent
        low, high = AGE_RANGE[youth["age_band"]]
        birth = date(end.year - rng.randint(low, high), rng.randint(1, 12), rng.randint(1, 28))
        consent = pick(rng, [("yes", 80), ("no", 10), ("not_asked", 10)])
        staff = rng.choice(cjg)
        row = {
            "id": n, "youth_id": youth["id"], "worker_id": workers[0],
            "reason": "Zorgen over toenemend gebruik en afhaken van school.", "facts": rng.choice(D.FACTS),
            "stage": youth["stage"] or 3, "urgency": pick(rng, [("normal", 60), ("high", 30), ("acute", 10)]),
            "consent": consent, "parents_informed": int(rng.random() < 0.8) if high <= 15 else None,
            "sharing_ground": None if consent == "yes" else "Acute zorg over de veiligheid van de jongere.",
            "full_name": f"{rng.choice(D.FIRST_NAMES)} {rng.choice(D.LAST_NAMES)}", "birth_date": birth.isoformat(),
            "phone": f"06-{rng.randint(10000000, 99999999)}",
            "address": f"{rng.choice(D.STREETS)} {rng.randint(1, 120)}, Heerde",
            "summary": _summary(db, youth["id"], youth["stage"]), "warm_handoff_at": None,
            "status": status, "assigned_to": None, "decline_reason": None, "outcome": None,
            "sent_at": _at(sent, 11), "received_at": None, "accepted_at": None, "declined_at": None, "closed_at": None,
        }
        trail = [("sent", sent, workers[0], None)]
        if status != "sent":
            trail.append(("received", sent + timedelta(days=1), staff, None))
            row["received_at"] = _at(sent + timedelta(days=1), 9)
        if status == "declined":
            row.update(declined_at=_at(sent + timedelta(days=2), 10), decline_reason=rng.choice(D.DECLINE_REASONS))
            trail.append(("declined", sent + timedelta(days=2), staff, row["decline_reason"]))
        if status in ("accepted", "closed"):
            row.update(accepted_at=_at(sent + timedelta(days=2), 10), assigned_to=staff)
            trail.append(("accepted", sent + timedelta(days=2), staff, None))
            trail.append(("feedback", sent + timedelta(days=9), staff, rng.choice(D.FEEDBACK)))
            # A thread, not one word: the worker answers the next day (the choice by number, so the random
            # sequence, and with it the rest of the demo, stays as it was). The CJG read it that evening.
            trail.append(("reply", sent + timedelta(days=10), workers[0], D.REPLIES[n % len(D.REPLIES)]))
            row["cjg_seen_at"] = _at(sent + timedelta(days=10), 22)
        if status == "closed":
            row.update(outcome=D.OUTCOMES[n % len(D.OUTCOMES)], closed_at=_at(sent + timedelta(days=35), 15))
            trail.append(("feedback", sent + timedelta(days=21), staff, D.FEEDBACK[(n + 1) % len(D.FEEDBACK)]))
            # The event's text is the timeline's words: the outcome's label, as the CJG page writes it.
            trail.append(("closed", sent + timedelta(days=35), staff, label(row["outcome"], OUTCOME)))
        if rng.random() < 0.2:
            row["warm_handoff_at"] = _at(sent + timedelta(days=7), 15)
        # The worker has seen everything but the CJG's latest word on the newest accepted handoff.
        row["worker_seen_at"] = _at(max(day for _, day, _, _ in trail), 23)
        handoffs.append(row)
        if concern_id:
            links.append({"handoff_id": n, "concern_id": concern_id})
        for kind, day, actor, text in trail:
            message = kind in ("feedback", "reply")
            events.append({"handoff_id": n, "at": _at(day, 12), "actor_id": actor, "kind": kind if message else "status",
                           "status": None if message else kind, "text": text})
    db["handoffs"].insert_all(sealed("handoffs", handoffs))
    db["handoff_concerns"].insert_all(links)
    db["handoff_events"].insert_all(sealed("handoff_events", events))
