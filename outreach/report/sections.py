"""What the report shows and in which words: sections of figures and tables, built from protected values.

The page, the print view and the CSV all read these same rows, so they can never disagree.
"""
from dataclasses import dataclass, field

from ..vocab import AGE_BAND, CONCERN_LEVEL, CONCERN_SOURCE, GENDER_REPORT, OUTCOME, SUBSTANCE
from .model import STAGE_ROWS, month_label, stage_label
DASH = "–"


def count(value):
    """A published count as text: Dutch thousands separator, or the protection mark as it is."""
    return f"{value:,}".replace(",", ".") if isinstance(value, int) else value


def percent(value):
    """A share as text, or a dash when it may not be shown."""
    return DASH if value is None else f"{value}%"


def days(value):
    """Median days with one decimal (Dutch comma), or a dash."""
    return DASH if value is None else f"{value:.1f}".replace(".", ",")


@dataclass
class Row:
    """One figure or table row: its label and the shown text per period (current first)."""
    label: str
    texts: list
    bar: int | None = None  # The current value for a chart bar; None when it may not be drawn.
    unit: str = ""


@dataclass
class Table:
    """A breakdown: rows that add up to the total row (when there is one)."""
    key: str
    title: str
    rows: list
    total: Row | None = None
    both: bool = True
    chart: bool = True
    head: str = "Aantal"
    annex: bool = False  # Shown on the page and in the CSV, left out of the four printed pages (issue 15).

    @property
    def scale(self):
        """The longest bar, so bars share one scale within the chart."""
        return max([r.bar or 0 for r in self.rows] + [1])


@dataclass
class Section:
    """A part of the report with its figures and tables."""
    key: str
    title: str
    figures: list = field(default_factory=list)
    tables: list = field(default_factory=list)
    note: str = ""  # Where the section's numbers come from, under its title.


def layout(cur, prev, names):
    """The report's sections for the protected current and previous periods; names: spot id → name."""
    def figure(key, label, unit=""):
        """A count with both periods."""
        return Row(label, [count(cur[key]), count(prev[key])], unit=unit)

    def table(key, title, labels, total=None, both=True, **kw):
        """A breakdown table of cells key:label, with optional total row."""
        rows = [Row(text, [count(cur[f"{key}:{k}"])] + ([count(prev[f"{key}:{k}"])] if both else []),
                    bar=cur[f"{key}:{k}"] if isinstance(cur[f"{key}:{k}"], int) else None) for k, text in labels]
        total_row = Row("Totaal", [count(cur[total])] + ([count(prev[total])] if both else [])) if total else None
        return Table(key, title, rows, total_row, both, **kw)

    months = [(k.split(":", 1)[1], month_label(k.split(":", 1)[1])) for k in cur.values if k.startswith("month_new:")]
    # By name, never by count: an order by size would bound a hidden count between its neighbours.
    spots = sorted(((k.split(":", 1)[1], names.get(int(k.split(":", 1)[1]), "?")) for k in cur.values
                    if k.startswith("spot_visits:") and not k.endswith(":rest")), key=lambda s: (s[1], s[0]))
    hours = [cur.hours(), prev.hours()]
    reach = Section("bereik", "Bereik", [
        figure("reached", "Jongeren bereikt"), figure("new", "Nieuwe jongeren"), figure("contacts", "Contacten"),
        figure("group_contacts", "Contacten met een groep (2 of meer)"),
        figure("group_youths", "Jongeren aanwezig bij groepscontacten"),
        figure("spots_identified", "Hangplekken nieuw in kaart"), figure("spots_visited", "Hangplekken bezocht"),
        figure("visits", "Bezoeken aan hangplekken"),
        Row("Uren contact op straat", [count(h) if h is not None else DASH for h in hours]),
    ], [
        table("month_new", "Nieuwe jongeren per maand", months, "new", both=False, annex=True),
        table("month_contacts", "Contacten per maand", months, "contacts", both=False, annex=True),
        table("age", "Bereikte jongeren naar leeftijd", list(AGE_BAND.items()), "reached"),
        table("gender", "Bereikte jongeren naar gender", list(GENDER_REPORT.items()), "reached"),
        table("spot_visits", "Bezoeken per hangplek (de vijftien drukste, op naam)",
              spots + [("rest", "Overige hangplekken")], "visits", both=False, chart=False, annex=True),
    ])
    signals = Section("signalen", "Signalen", [
        figure("concerns", "Zorgmeldingen"),
        Row("Aandeel gemeld door vrienden", [percent(cur.share("source:friend", "concerns")),
                                             percent(prev.share("source:friend", "concerns"))]),
        Row("Dagen van melding tot eerste contact (mediaan)",
            [days(cur.median("concern_contact")), days(prev.median("concern_contact"))]),
    ], [
        table("source", "Zorgmeldingen naar bron", list(CONCERN_SOURCE.items()), "concerns"),
        table("level", "Zorgmeldingen naar mate van zorg", list(CONCERN_LEVEL.items()), "concerns"),
    ])
    care = Section("toeleiding", "Toeleiding naar zorg", [
        figure("handoffs", "Overdrachten naar het CJG"), figure("accepted", "Door het CJG geaccepteerd"),
        Row("Aandeel geaccepteerd", [percent(cur.share("accepted", "handoffs")),
                                     percent(prev.share("accepted", "handoffs"))]),
        *[Row(label, [days(cur.median(name)), days(prev.median(name))]) for name, label in [
            ("concern_handoff", "Dagen van melding tot overdracht (mediaan)"),
            ("handoff_received", "Dagen van overdracht tot ontvangst (mediaan)"),
            ("handoff_accepted", "Dagen van overdracht tot acceptatie (mediaan)")]],
        Row("Maanden van eerste contact tot eerste overdracht (mediaan)",
            [days(p.median("trust")) for p in (cur, prev)]),
        figure("in_care", "Jongeren in zorg"),
        figure("concern_youths", "Jongeren met een zorgmelding"),
        Row("… van wie nu in zorg", [percent(cur.share("concern_in_care", "concern_youths")),
                                     percent(prev.share("concern_in_care", "concern_youths"))]),
    ], [table("outcome", "Afgesloten overdrachten naar uitkomst", list(OUTCOME.items()), "closed")])
    stages = Section("fases", "Fases van gebruik (Jellinek)", [], [
        Table("stages", "Eerste bekende fase en fase aan het eind van de periode", [
            Row(stage_label(a), [count(cur[f"stage:{a}:{b}"]) for b in STAGE_ROWS] + [count(cur[f"stage_first:{a}"])])
            for a in STAGE_ROWS], Row("Totaal", [count(cur[f"stage_last:{b}"]) for b in STAGE_ROWS]
                                       + [count(cur["reached"])]), both=False, chart=False),
        table("substance", "Contacten waarin een middel genoemd werd", list(SUBSTANCE.items())),
    ])
    ed = Section("ed", "Ervaringsdeskundige", [
        figure("ed_contacts", "Contacten met de ervaringsdeskundige erbij"),
        Row("Aandeel van alle contacten", [percent(cur.share("ed_contacts", "contacts")),
                                           percent(prev.share("ed_contacts", "contacts"))]),
    ])
    # The memo's claim: beside the ED, youths seek help sooner. Youths first met in the period, split by whether
    # the ED was there in their first month, followed to a question for help or a handoff.
    for flag, who in (("ed", "met de ervaringsdeskundige"), ("no_ed", "zonder ervaringsdeskundige")):
        ed.figures += [
            figure(f"{flag}_new", f"Nieuwe jongeren, eerste maand {who}"),
            *[Row(f"… hulpvraag of overdracht binnen {n} maanden ({who})",
                  [percent(p.share(f"{flag}_{n}m", f"{flag}_{n}m_base")) for p in (cur, prev)]) for n in (3, 6)],
            Row(f"… maanden tot hulpvraag of overdracht, mediaan ({who})",
                [days(p.median(f"{flag}_wait")) for p in (cur, prev)]),
        ]
    # The memo's question first (after page 1): the ED and the way to care; then reach, signals and stages.
    return [ed, care, reach, signals, stages]


HEADLINE = ["Jongeren bereikt", "Nieuwe jongeren", "Contacten", "Zorgmeldingen", "Overdrachten naar het CJG",
            "Jongeren in zorg"]


def headline(sections):
    """The six figures on the first printed page, found by their labels."""
    rows = {row.label: row for section in sections for row in section.figures}
    return [rows[label] for label in HEADLINE]


def flat(sections, labels):
    """Every shown value as (section, figure, period label, text): the CSV's rows and the page's cells."""
    for section in sections:
        for row in section.figures:
            for label, text in zip(labels, row.texts):
                yield section.title, row.label, label, text
        for t in section.tables:
            if t.key == "stages":
                for row in t.rows + [t.total]:
                    for b, text in zip(STAGE_ROWS + ["totaal"], row.texts):
                        last = stage_label(b) if b != "totaal" else "totaal"
                        yield section.title, f"{t.title}: {row.label} → {last}", labels[0], text
                continue
            for row in t.rows + ([t.total] if t.total else []):
                for label, text in zip(labels, row.texts):
                    yield section.title, f"{t.title}: {row.label}", label, text


def wide_rows(columns):
    """One row per figure, one cell per column: columns are (heading, sections) of one period each, and a cell is
    that period's own first value in flat() (so exactly what its own page and CSV show); empty where the figure is
    not in that period (a month's row, a hangplek outside the fifteen busiest)."""
    cells, order = {}, {}
    for i, (_, sections) in enumerate(columns):
        for section, figure, _, text in flat(sections, [None]):
            order.setdefault((section, figure), None)
            cells[section, figure, i] = text
    return [[section, figure] + [cells.get((section, figure, i), "") for i in range(len(columns))]
            for section, figure in order]


def spoken(text):
    """A shown value as words in a sentence."""
    return {"<5": "minder dan 5", "x": "een niet getoond aantal"}.get(text, text)


def summary(rows, labels, has_previous=True):
    """One paragraph for the council, written from the six headline figures (protected like the rest)."""
    reached, new, contacts, concerns, handoffs, in_care = [spoken(r.texts[0]) for r in rows]
    before = f" (vorige periode: {spoken(rows[0].texts[1])} jongeren)" if has_previous else ""
    return (f"In {labels[0]} sprak de straathoekwerker {reached} verschillende jongeren, van wie {new} voor het "
            f"eerst, in {contacts} contacten{before}. Er kwamen {concerns} zorgmeldingen "
            f"binnen, er gingen {handoffs} overdrachten naar het CJG en {in_care} jongeren kwamen in zorg bij het "
            "CJG of de verslavingszorg.")
