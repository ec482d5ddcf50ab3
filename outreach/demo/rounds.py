"""The demo year's rounds: every walk of a worker on a day becomes a round around its visits and contacts, so that
the report's hours on the street (ended rounds only) have something to count."""
import random
from datetime import datetime, timedelta

from ..core.dates import stamp


class RoundBook:
    """Rounds as the walks pass by: started a little before the first visit, ended a little after the last entry."""

    def __init__(self, seed, db):
        """A book with its own random stream (seeded, not drawn from the main one: the rest of the year stays).

        A database from before migration 0015 (the upgrade test seeds one) has no rounds: then none are written.
        """
        self.draw = random.Random(seed)  # nosec B311 - demo data
        self.rows, self.next_id, self.last_key = {}, 1, None
        self.enabled = db["rounds"].exists()

    def mark(self, round_id):
        """The column an entry of the round gets: {'round_id': id}, or nothing on a schema without rounds."""
        return {"round_id": round_id} if self.enabled else {}

    def visit(self, key, worker, moment, ed):
        """The round id for a visit at moment on walk key (day, district) by worker; starts the round if new."""
        key = (*key, worker)
        row = self.rows.get(key)
        if row is None:
            # She leaves 10 to 25 minutes before the first spot (cycling there, a word with the ED on the way).
            row = self.rows[key] = {"id": self.next_id, "worker_id": worker, "ed_present": int(ed),
                                    "_start": moment - timedelta(minutes=self.draw.randint(10, 25)), "_last": moment,
                                    "_pad": timedelta(minutes=self.draw.randint(10, 30))}
            self.next_id += 1
        self.last_key = key
        row["_last"] = max(row["_last"], moment)
        return row["id"]

    def entry(self, round_id, moment_text):
        """A contact of the current round at its stored moment: the round lasts at least until then."""
        row = self.rows[self.last_key]
        assert row["id"] == round_id  # nosec B101 - contacts follow their own visit
        row["_last"] = max(row["_last"], datetime.strptime(moment_text, "%Y-%m-%d %H:%M"))

    def flush(self, db):
        """Write the rounds so far (before the entries that point at them); the current one may still grow."""
        if not self.enabled:
            return
        db["rounds"].upsert_all([{
            "id": r["id"], "worker_id": r["worker_id"], "ed_present": r["ed_present"],
            "started_at": stamp(r["_start"]), "ended_at": stamp(r["_last"] + r["_pad"]),
            # Saved when she tapped Start ronde (the demo writes local moments as its stamps everywhere).
            "created_at": r["_start"].strftime("%Y-%m-%dT%H:%M:00Z")} for r in self.rows.values()], pk="id")
        self.rows = {k: v for k, v in self.rows.items() if k == self.last_key}
