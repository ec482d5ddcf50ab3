"""`seed-demo`: a realistic synthetic pilot year around Heerde, deterministic for a given seed."""
import itertools
import os
import json
import random
import secrets
from datetime import date, datetime, timedelta
from pathlib import Path

import click
import pyotp
from flask import current_app

from ..core import audit, context
from ..core.accounts import SECOND_FACTOR_REQUIRED, create_user, find_user
from ..core.crypto import seal, sealed
from ..core.dates import pilot_start, stamp
from ..core.db import get_db
from ..vocab import RISK_SIGNAL, SUBSTANCE, TOPIC, by_label
from . import data as D
from .rounds import RoundBook
from .handoffs import pick, seed_concerns_and_handoffs

DEMO_USERS = [("werker", "worker"), ("werker2", "worker"), ("cjg", "cjg"), ("cjg2", "cjg"),
              ("manager", "manager"), ("beheerder", "admin")]
# Colleagues are shown by name ("Sanne de Boer (CJG)"): the demo accounts have one too (invented).
DEMO_NAMES = {"werker": "Femke Visser", "werker2": "Youssef el Amrani", "cjg": "Sanne de Boer", "cjg2": "Ruud Hendriks",
              "manager": "Marieke Kamphuis", "beheerder": "Peter Smit"}


def create_demo_users():
    """Create the demo accounts with fresh random passwords (and app keys where 2FA is required); return the logins."""
    logins = []
    named = "full_name" in get_db()["users"].columns_dict  # A schema from before 0013 (the upgrade test) has none.
    for username, role in DEMO_USERS:
        if find_user(username):
            continue
        password = "-".join(secrets.token_hex(3) for _ in range(3))
        user_id = create_user(username, role, password, full_name=DEMO_NAMES[username] if named else None)
        # Roles that require a second factor are enrolled already, so `make run` users get in with the app key.
        secret = pyotp.random_base32(32) if role in SECOND_FACTOR_REQUIRED else None
        if secret:
            get_db()["users"].update(user_id, seal("users", {"totp_secret": secret, "totp_enrolled_at": audit.utcnow()}))
        logins.append((username, role, password, secret))
    return logins


def login_line(username, role, password, secret):
    """One demo login as shown and kept: role, name, password and, for a second factor, the app key."""
    return f"{role:8} {username:10} {password}" + (f"  app-sleutel {secret}" if secret else "")


CODE_HINT = ("Rollen met app-sleutel vragen na het wachtwoord een code: zet de sleutel in een authenticator-app\n"
             "of maak een code met: .venv/bin/python -c \"import pyotp; print(pyotp.TOTP('SLEUTEL').now())\"")


def seed_spots(db, rng, start, scale, creator):
    """The hangplekken, copied per district when scaled; returns (id, popularity) pairs."""
    rows, spots = [], []
    for copy in range(scale):
        for name, kind, lat, lon, weight, description in D.SPOTS:
            spot_id = len(rows) + 1
            archived = stamp(start + timedelta(days=240)) if name == D.ARCHIVED_SPOT else None
            rows.append({
                "id": spot_id, "name": name if copy == 0 else f"{name} · wijk {copy + 1}", "kind": kind,
                "lat": round(lat + (rng.uniform(-0.03, 0.03) if copy else 0), 6),
                "lon": round(lon + (rng.uniform(-0.05, 0.05) if copy else 0), 6),
                "description": description, "first_identified": (start - timedelta(days=rng.randint(0, 90))).isoformat(),
                "archived_at": archived, "created_by": creator, "created_at": f"{start.isoformat()}T09:00:00Z",
            })
            spots.append((spot_id, weight, archived))
    db["spots"].insert_all(sealed("spots", rows))
    return spots


def seed_youths(db, rng, start, scale, spots, creator):
    """Pseudonymous youths, each with a first-seen day, home spots and a stage history."""
    youths, stages = [], []
    for n in range(1, 70 * scale + 1):
        first_seen = start + timedelta(days=int(rng.triangular(0, 364, 0)))
        stage = pick(rng, D.STAGES)
        youths.append({
            "id": n, "code": f"J-{n:04d}", "alias": f"{rng.choice(D.ALIASES)} {rng.choice('ABCDEFGH')}",
            "age_band": pick(rng, D.AGE_BANDS), "gender": pick(rng, D.GENDERS), "stage": stage,
            "risk_signals": json.dumps(by_label(rng.sample(D.RISK_SIGNALS, rng.choice([0, 0, 0, 1, 1, 2])),
                                               RISK_SIGNAL)),
            "created_by": creator, "created_at": first_seen.strftime("%Y-%m-%dT12:00:00Z"),
            "_first_seen": first_seen, "_home": rng.sample(spots, 2),
        })
        if stage:
            earlier = max(1, stage - 1) if rng.random() < 0.3 else stage
            stages.append({"youth_id": n, "stage": earlier, "set_by": creator, "set_at": stamp(first_seen)})
            if earlier != stage:
                # Never after the demo year's last day: a stage is set when it is seen, not in the future.
                later = min(first_seen + timedelta(days=rng.randint(20, 120)), start + timedelta(days=364))
                stages.append({"youth_id": n, "stage": stage, "set_by": creator, "set_at": stamp(later)})
    db["youths"].insert_all({k: v for k, v in y.items() if not k.startswith("_")} for y in youths)
    db["youth_stages"].insert_all(stages)
    return youths


def rounds(rng, start, end, spots):
    """Yield (moment, spot, ed_present) for every visit on every round of the year."""
    day = start
    while day <= end:
        summer = 1.2 if day.month in (5, 6, 7, 8, 9) else 0.85
        if rng.random() < D.WEEKDAY_ROUND_CHANCE[day.weekday()] * summer:
            hour = rng.choice([15, 16, 19, 20, 21])
            moment = datetime(day.year, day.month, day.day, hour, rng.choice([0, 15, 30]))
            ed = day >= start + timedelta(days=60) and rng.random() < 0.4  # The ED joins from month 3.
            open_spots = [s for s in spots if not s[2] or s[2] > stamp(moment)]
            for spot in rng.sample(open_spots, min(len(open_spots), rng.randint(3, 7))):
                yield moment, spot, ed
                moment += timedelta(minutes=rng.randint(15, 35))
        day += timedelta(days=1)


def without_help(topics, ed, effect, linked):
    """The memo's claim, modelled: a youth who has met the ED asks for help sooner; before that, often not yet."""
    # `effect` is (chance, its own random stream, youths who met the ED): the rest of the demo year stays the
    # same whatever the chance, and chance 0 gives a year with no effect at all.
    chance, draw, met = effect
    if ed:
        met.update(y["id"] for y in linked)
    elif "help" in topics and not all(y["id"] in met for y in linked) and draw.random() < chance:
        return [t for t in topics if t != "help"] or ["friends"]
    return topics


def seed_field(db, rng, start, end, spots, youths, workers, ed_effect=D.ED_EFFECT):
    """Visits and contacts along the rounds, with links to the youths who hang out there."""
    # A stream of its own, seeded from (not drawn from) the main one: same seed, same year.
    effect = (ed_effect, random.Random(hash(rng.getstate())), set())  # nosec B311 - demo data
    book = RoundBook(hash(rng.getstate()) ^ 0x726F6E6465, db)  # Rounds have a stream of their own too.
    regulars = {}
    for youth in youths:
        for spot in youth["_home"]:
            regulars.setdefault(spot[0], []).append(youth)
    visits, contacts, links = [], [], []
    visit_ids, contact_ids = itertools.count(1), itertools.count(1)
    districts = [spots[i:i + len(D.SPOTS)] for i in range(0, len(spots), len(D.SPOTS))]
    walks = itertools.chain.from_iterable(((n, walk) for walk in rounds(rng, start, end, district))
                                          for n, district in enumerate(districts))
    for district, (moment, (spot_id, weight, _), ed) in walks:
        evening = 1.4 if moment.hour >= 19 else 0.8
        present = max(0, int(rng.gauss(weight * evening, 2)))
        worker = workers[0] if rng.random() < 0.8 else workers[-1]
        round_id = book.visit((moment.date(), district), worker, moment, ed)
        visits.append({
            "id": next(visit_ids), "spot_id": spot_id, "worker_id": worker, "visited_at": stamp(moment),
            "youths_present": present, "use_seen": int(present > 0 and rng.random() < 0.25),
            "dealing_seen": int(present > 0 and rng.random() < 0.07), "atmosphere": pick(rng, D.ATMOSPHERES),
            "ed_present": int(ed), "note": rng.choice(D.NOTES) if rng.random() < 0.15 else None,
            "created_at": moment.strftime("%Y-%m-%dT%H:%M:00Z"), **book.mark(round_id),
        })
        known = [y for y in regulars.get(spot_id, []) if y["_first_seen"] <= moment.date()]
        for _ in range(rng.randint(1, min(4, present)) if present else 0):
            kind = pick(rng, D.CONTACT_KINDS)
            group = kind == "group"
            contact_id = next(contact_ids)
            linked = rng.sample(known, min(len(known), rng.choice([0, 1, 1, 2] if group else [0, 1, 1])))
            substances = [pick(rng, D.SUBSTANCES) for _ in range(rng.choice([0, 0, 1, 1, 2]))]
            contacts.append({
                "id": contact_id, "worker_id": worker, "spot_id": spot_id, "lat": None, "lon": None,
                "contacted_at": stamp(moment + timedelta(minutes=rng.randint(0, 10))), "kind": kind,
                "youths_present": rng.randint(2, max(2, present)) if group else 1,
                "topics": json.dumps(by_label(without_help(rng.sample(D.TOPICS, rng.randint(1, 3)), ed, effect, linked),
                                              TOPIC)),
                "substances": json.dumps(by_label(set(substances), SUBSTANCE)), "ed_present": int(ed),
                "duration_min": rng.choice([5, 10, 10, 15, 20, 30, 45]),
                "note": rng.choice(D.NOTES) if rng.random() < 0.1 else None,
                "created_at": moment.strftime("%Y-%m-%dT%H:%M:00Z"), **book.mark(round_id),
            })
            book.entry(round_id, contacts[-1]["contacted_at"])
            links.extend({"contact_id": contact_id, "youth_id": y["id"]} for y in linked)
        if len(contacts) > 20000:  # Flush in batches so --scale 500 stays within memory.
            book.flush(db)
            flush(db, visits, contacts, links)
    book.flush(db)
    flush(db, visits, contacts, links)


def flush(db, visits, contacts, links):
    """Write the buffered field rows and empty the buffers (ids keep counting)."""
    for table, rows in (("visits", visits), ("contacts", contacts), ("contact_youths", links)):
        db[table].insert_all(sealed(table, rows), batch_size=5000)  # Notes are encrypted at rest.
        rows.clear()


def logins_path():
    """Where the demo logins of this database are kept: beside the database file."""
    return Path(current_app.config["DATABASE"]).with_name("demo-logins.txt")


def write_logins(logins):
    """Keep the demo logins beside the database (owner-only) so a later `make run` can show them again."""
    path = logins_path()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        for login in logins:
            f.write(login_line(*login) + "\n")
        if any(login[3] for login in logins):
            f.write(CODE_HINT + "\n")
    return path


def seed(seed_value=2026, scale=1, end=None, ed_effect=D.ED_EFFECT):
    """Fill an empty database with the demo year; returns the new logins."""
    db = get_db()
    if db["contacts"].count or db["spots"].count:
        raise click.ClickException("De database bevat al gegevens; seed-demo vult alleen een lege database.")
    rng = random.Random(seed_value)  # nosec B311 - demo data, reproducible per seed
    end = end or date.today()
    start = end - timedelta(days=364)
    with db.atomic():
        logins = create_demo_users()
        workers = [find_user("werker")["id"], find_user("werker2")["id"]]
        cjg = [find_user("cjg")["id"], find_user("cjg2")["id"]]
        spots = seed_spots(db, rng, start, scale, workers[0])
        youths = seed_youths(db, rng, start, scale, spots, workers[0])
        seed_field(db, rng, start, end, spots, youths, workers, ed_effect)
        seed_concerns_and_handoffs(db, rng, start, end, scale, youths, workers, cjg)
        first, last = pilot_start(), end.strftime("%Y-%m")
        db["insights"].insert(seal("insights", {
            "period_from": first, "period_to": last, "text": D.INSIGHT, "updated_by": workers[0],
            "updated_at": f"{end.isoformat()}T16:00:00Z", "created_at": f"{end.isoformat()}T16:00:00Z"}))
        context.save(db, {**context.MEMO, **D.CONTEXT_INHABITANTS, "inhabitants_year": end.year},
                     at=f"{end.isoformat()}T16:00:00Z")
        db["meta"].upsert_all([{"key": "demo", "value": "1"}, {"key": "demo_seed", "value": str(seed_value)},
                               {"key": "demo_scale", "value": str(scale)}], pk="key")
        audit.record("create", "demo", None, result=f"seed {seed_value} scale {scale}", db=db)
    return logins


