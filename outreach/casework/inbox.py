"""The CJG inbox's lists: what needs action first, then the cases in hand; finished ones in their own tab.

Why groups and a keyset: at a million contacts the inbox must cost what it costs at the demo year. Each group is
one range of an index of migration 0016 (status, urgency, sent_at, id), read in order and stopped at a page; the
next page starts after the last row shown (`na`), never by counting rows to skip. Urgency codes sort
acute < high < normal, so index order is the order of need.
"""
from datetime import timedelta

from flask import current_app

from ..core.crypto import unseal_all
from ..core.dates import now_local, shown
from ..core.db import Listed, get_db
from ..vocab import HANDOFF_STATUS, OUTCOME, URGENCY, kept, label, person

PAGE = 50
TABS = {"open": "Te doen en lopend", "afgerond": "Afgerond"}
# (group, heading, SQL condition); every group's rows come in (urgency, sent_at, id) order.
GROUPS = [
    ("overdue", "Te laat geopend", "h.status = 'sent' and h.sent_at < :cutoff"),
    ("new", "Nieuw", "h.status = 'sent' and h.sent_at >= :cutoff"),
    ("received", "Ontvangen, nog niet geaccepteerd", "h.status = 'received'"),
    ("accepted", "Lopend", "h.status = 'accepted'"),
]
STATUS_GROUPS = {"sent": ("overdue", "new"), "received": ("received",), "accepted": ("accepted",)}
FINISHED = ("closed", "declined")
COLUMNS = ("select h.id, h.status, h.urgency, h.sent_at, h.full_name, h.outcome, h.assigned_to, "
           "coalesce(h.closed_at, h.declined_at) as finished_at, h.cjg_news_at > coalesce(h.cjg_seen_at, '') "
           "as unread, u.full_name as assignee_name, u.username as assignee, u.role as assignee_role, "
           "(select code from youths where id = h.youth_id) as code "  # Tells rows apart once names are erased.
           "from handoffs h left join users u on u.id = h.assigned_to ")


def status_code(value):
    """A status from a link: its code, or (older links) its Dutch label; '' when it is neither."""
    value = (value or "").strip().lower()
    if value in HANDOFF_STATUS:
        return value
    return {text: code for code, text in HANDOFF_STATUS.items()}.get(value, "")


def overdue_cutoff(now=None):
    """The first sent_at that is not overdue: sent before this day, a handoff waits more than the allowed workdays."""
    day = (now or now_local()).date()
    allowed, workdays = current_app.config["HANDOFF_OVERDUE_WORKDAYS"], 0
    # Walk back until the day whose handoffs have waited more than `allowed` working days (see handoffs.overdue).
    while workdays <= allowed:
        workdays += day.weekday() < 5
        day -= timedelta(days=1)
    return (day + timedelta(days=1)).isoformat()


def open_page(mine, status, after):
    """One page of the open tab: (rows, cursor of the next page or None). `after` is the last row's cursor."""
    groups = [g for g in GROUPS if not status or g[0] in STATUS_GROUPS.get(status, ())]
    start = next((i for i, g in enumerate(groups) if after and g[0] == after[0]), 0)
    rows, db = [], get_db()
    params = {"cutoff": overdue_cutoff(), "me": mine, "limit": PAGE + 1}
    for index, (group, heading, condition) in enumerate(groups[start:], start):
        where = condition + (" and h.assigned_to = :me" if mine else "")
        if after and index == start and after[0] == group:
            where += " and (h.urgency, h.sent_at, h.id) > (:urgency, :sent_at, :id)"
            params.update(urgency=after[1], sent_at=after[2], id=int(after[3]))
        params["limit"] = PAGE + 1 - len(rows)
        # The condition texts are the fixed ones above; every value is a parameter.
        found = db.query(COLUMNS + "where " + where + " order by h.urgency, h.sent_at, h.id limit :limit",  # nosec B608
                         params)
        for row in found:  # db.query's rows are fresh dicts: the group is added in place, not by a copy per row.
            row["group"], row["heading"] = group, heading
            rows.append(row)
        if len(rows) > PAGE:
            break
    more = len(rows) > PAGE
    rows = rows[:PAGE]
    last = rows[-1] if rows else None
    return unseal_all("handoffs", rows), (
        "|".join([last["group"], last["urgency"], last["sent_at"], str(last["id"])]) if more else None)


def finished_page(mine, status, after):
    """One page of the finished tab, the latest ended first: (rows, cursor of the next page or None)."""
    # Literal status list: the partial indexes of 0016 apply; named, because the planner would sort otherwise.
    index = "handoffs_finished_mine" if mine else "handoffs_finished"
    where = ["h.status in ('closed', 'declined')"]
    params = {"me": mine, "status": status, "limit": PAGE + 1}
    if status in FINISHED:
        where.append("h.status = :status")
    if mine:
        where.append("h.assigned_to = :me")
    if after:
        # The first term lets the index seek to the cursor; the row value breaks ties on the same moment.
        where.append("coalesce(h.closed_at, h.declined_at) <= :at and (coalesce(h.closed_at, h.declined_at), h.id) "
                     "< (:at, :id)")
        params.update(at=after[0], id=int(after[1]))
    found = get_db().query(COLUMNS.replace("from handoffs h ", f"from handoffs h indexed by {index} ")  # nosec B608
                           + "where " + " and ".join(where)  # Fixed texts; every value is a parameter.
                           + " order by coalesce(h.closed_at, h.declined_at) desc, h.id desc limit :limit", params)
    rows = list(found)
    for row in rows:
        row["group"], row["heading"] = "finished", None
    more = len(rows) > PAGE
    rows = rows[:PAGE]
    return unseal_all("handoffs", rows), (f"{rows[-1]['finished_at']}|{rows[-1]['id']}" if more else None)


def as_shown(rows):
    """The rows as the inbox prints them, each row's words and moments put together once, here.

    Why: the page's cost must not grow with its rows, and in Jinja every printed value and filter is paid per row
    (about 20 µs a row with the line below in the template); a page of 50 rows then costs about what a few do.
    """
    shown_rows = []
    for h in rows:
        status = label(h["status"], HANDOFF_STATUS)
        facts = [f"urgentie {label(h['urgency'], URGENCY)}", f"verzonden {shown(h['sent_at'])}"]
        if h["finished_at"]:
            facts.append(f"{status} {shown(h['finished_at'])}")
        if h["assignee"]:
            facts.append(person(h["assignee_name"], h["assignee"], h["assignee_role"]))
        if h["outcome"]:
            facts.append(label(h["outcome"], OUTCOME))
        # Once names are erased the code and the day they went tell the rows apart.
        title = h["full_name"] or f"{h['code']} · {kept(None, h['finished_at'])}"
        shown_rows.append(Listed(**h, title=title, status_label=status, facts=" · ".join(facts)))
    return shown_rows


def waiting(mine):
    """How many handoffs wait for action (sent or received): the open tab's count."""
    if mine:
        return 0  # Nothing is assigned before it is accepted.
    return get_db().execute("select count(*) from handoffs where status in ('sent', 'received')").fetchone()[0]


def parse_cursor(text, parts):
    """The `na` parameter split into its parts, or None when it is missing or malformed."""
    pieces = (text or "").split("|")
    if len(pieces) != parts or not pieces[-1].isdigit():
        return None
    return pieces

