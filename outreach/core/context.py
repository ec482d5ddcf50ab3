"""The figures the admin enters for the report's context (migration 0018): the GGD monitor's shares of youths who
ever used drugs, and the municipality's inhabitants per age band, each with its source and year.

Here in core because the admin writes them (admin/context.py) and the report reads them (report/street.py).
One row (id 1) while filled in; no row means not filled in yet, and the report says so.
"""
from . import audit

# The GGD monitor's groups and the report's age bands that stand for them (the estimate adds their inhabitants).
GROUPS = {"pupils": ("12-15", "16-17"), "young_adults": ("18-23",)}
BANDS = [band for bands in GROUPS.values() for band in bands]
PERCENTS = [f"{group}_{drug}" for group in GROUPS for drug in ("soft_drugs", "other_drugs")]
INHABITANTS = {band: "inhabitants_" + band.replace("-", "_") for band in BANDS}
TEXTS = ["ggd_source", "ggd_year", "inhabitants_source", "inhabitants_year"]
COLUMNS = PERCENTS + list(INHABITANTS.values()) + TEXTS
# The memo's own figures (GGD gezondheidsmonitor 2019, Heerde): the form's first values, nothing more.
MEMO = {"pupils_soft_drugs": 7, "pupils_other_drugs": 6, "young_adults_soft_drugs": 31,
        "young_adults_other_drugs": 22, "ggd_year": 2019,
        "ggd_source": "Gezondheidsmonitor GGD Noord- en Oost-Gelderland, zoals genoemd in de raadsmemo over "
                      "drugspreventie"}

TABLE = ("CREATE TABLE report_context (id INTEGER PRIMARY KEY CHECK (id = 1), "
         "pupils_soft_drugs REAL NOT NULL, pupils_other_drugs REAL, young_adults_soft_drugs REAL NOT NULL, "
         "young_adults_other_drugs REAL, ggd_source TEXT NOT NULL, ggd_year INTEGER NOT NULL, "
         "inhabitants_12_15 INTEGER NOT NULL, inhabitants_16_17 INTEGER NOT NULL, inhabitants_18_23 INTEGER NOT NULL, "
         "inhabitants_source TEXT NOT NULL, inhabitants_year INTEGER NOT NULL, "
         "updated_by INTEGER REFERENCES users(id), updated_at TEXT NOT NULL)")


def read(db):
    """The figures as entered ({column: value}), or None while the admin has not filled them in."""
    row = db.execute("SELECT " + ", ".join(COLUMNS) + " FROM report_context WHERE id = 1").fetchone()  # nosec B608
    return dict(zip(COLUMNS, row)) if row else None


def save(db, values, user_id=None, at=None):
    """Store the figures (one row, replaced whole; at: when, default now); returns what changed ('name old→new')."""
    before = read(db) or {}
    row = {"id": 1, **{c: values.get(c) for c in COLUMNS}, "updated_by": user_id, "updated_at": at or audit.utcnow()}
    db["report_context"].upsert(row, pk="id")
    return [f"{c} {before.get(c, '–')}→{row[c]}" for c in COLUMNS if before.get(c) != row[c]]


def group_inhabitants(figures, group):
    """The inhabitants of a GGD group: the sum of its age bands."""
    return sum(figures[INHABITANTS[band]] for band in GROUPS[group])
