"""What a new handoff starts with: a summary drafted from the youth's timeline, and a concern's worry and facts."""
import json

from ..core.crypto import unseal
from ..core.dates import day
from ..core.db import get_db
from ..vocab import AGE_BAND, STAGE, SUBSTANCE, TOPIC, counted, label


# The youth's contacts (their latest version), for the drafted summary.
CONTACTS = ("select c.contacted_at, c.substances, c.topics from contacts c join contact_youths cy on "
            "cy.contact_id = c.id where cy.youth_id = ? and c.replaced_by is null order by c.contacted_at")


def mentioned(lists, words):
    """The labels most often ticked across the contacts' lists (JSON), most frequent first (at most four)."""
    counts = {}
    for raw in lists:
        for code in json.loads(raw or "[]"):
            counts[code] = counts.get(code, 0) + 1
    return ", ".join(label(code, words) for code in sorted(counts, key=counts.get, reverse=True)[:4])


def draft_summary(youth):
    """A first summary from the youth's timeline, in sentences a CJG colleague reads at once; the worker edits it."""
    db = get_db()
    contacts = db.execute(CONTACTS, [youth["id"]]).fetchall()
    count = len(contacts)
    said = [f"{counted(count, 'contactmoment', 'contactmomenten')} sinds {day(contacts[0][0])}"
            + (f", het laatste op {day(contacts[-1][0])}." if count > 1 else ".") if count
            else "Nog geen contactmomenten vastgelegd."]
    stages = [f"{STAGE[stage]} (fase {stage}, {day(at)})" for stage, at in db.execute(
        "select stage, set_at from youth_stages where youth_id = ? order by set_at", [youth["id"]])]
    said.append(f"Fase-verloop: {', '.join(stages)}." if stages else "Fase nog niet vastgelegd.")
    for index, words, lead in ((1, SUBSTANCE, "Genoemde middelen"), (2, TOPIC, "Besproken")):
        found = mentioned((row[index] for row in contacts), words)
        if found:
            said.append(f"{lead}: {found}.")
    concerns = db.execute("select count(*), max(received_at) from concerns where youth_id = ?", [youth["id"]]).fetchone()
    if concerns[0]:
        said.append(f"{counted(concerns[0], 'zorgmelding', 'zorgmeldingen')}, de laatste op {day(concerns[1])}.")
    said.append(f"Leeftijd {label(youth['age_band'], AGE_BAND)}.")
    return " ".join(said)


def from_concern(concern_id, open_ids):
    """What the handoff form starts with when it comes from one of the youth's open concerns: its worry and facts."""
    if concern_id not in open_ids:
        return {}
    concern = unseal("concerns", get_db()["concerns"].get(concern_id))
    return {"reason": concern["worry"] or "", "facts": concern["facts"] or ""}
