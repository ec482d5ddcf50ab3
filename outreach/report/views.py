"""The pilot evaluation: reach and referrals per period beside the previous one, as a page, a print and a CSV.

Only aggregates leave this module, each count protected (invariant 3) across every period a reader can ask for:
periods are whole months, and protect.py explains why no subtraction of two periods gives a small count back.
"""
from datetime import datetime

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from ..core import audit, context as ggd, maps
from ..core.access import allow
from ..core.crypto import decrypt, save_sealed
from ..core.db import get_db
from ..core.forms import Form, GuardedForm, MonthInputField
from ..core.dates import now_local, pilot_start
from ..core.downloads import csv_download
from .figures import Period
from .model import STAGE_ROWS, build, month_label, stage_label
from .sections import DASH, flat, headline, layout, summary, wide_rows
from .street_sections import effort_sentence, street_sections

bp = Blueprint("report", __name__, url_prefix="/report")
READERS = ("worker", "cjg", "manager")
EARLIEST = "2000-01"


class PeriodForm(Form):
    """From and to month, read from the query string."""

    van = MonthInputField("Van (maand)", validators=[Optional()])
    tot = MonthInputField("Tot en met (maand)", validators=[Optional()])

    def validate_tot(self, field):
        """The period runs forward, not past this month and not before 2000."""
        this_month = now_local().strftime("%Y-%m")
        if field.data and field.data.strftime("%Y-%m") > this_month:
            raise ValidationError("Kies een maand tot en met deze maand.")
        if field.data and self.van.data and field.data < self.van.data:
            raise ValidationError("De eindmaand ligt vóór de beginmaand.")

    def validate_van(self, field):
        """Not before 2000: a typo, not a pilot."""
        if field.data and field.data.strftime("%Y-%m") < EARLIEST:
            raise ValidationError("Kies een maand vanaf januari 2000.")


class InsightsForm(GuardedForm):
    """The worker's own words for the period."""
    text = TextAreaField("Inzichten van de straathoekwerker", validators=[
        DataRequired("Schrijf iets, of laat de pagina zonder op te slaan."),
        Length(max=4000, message="Houd het kort: hoogstens 4000 tekens.")])
    guarded = ("text",)


def presets(start):
    """(label, from, to) links: the whole pilot, each calendar year, and the last four quarters."""
    now = now_local().strftime("%Y-%m")
    options = [("Hele pilot", start, now)]
    for year in range(int(start[:4]), int(now[:4]) + 1):
        options.append(part(str(year), f"{year}-01", f"{year}-12", start, now))
    return options + [part(name, first, last, start, now) for name, first, last in quarters_of(start, now)][-4:]


def quarters_of(start, now):
    """(name, first month, last month) of every calendar quarter that overlaps start..now, whole."""
    return [(f"K{q + 1} {year}", f"{year}-{3 * q + 1:02d}", f"{year}-{3 * q + 3:02d}")
            for year in range(int(start[:4]), int(now[:4]) + 1) for q in range(4)
            if f"{year}-{3 * q + 3:02d}" >= start and f"{year}-{3 * q + 1:02d}" <= now]


def part(name, first, last, start, now):
    """A preset clipped to the pilot; its name says so when it covers only part ('2025: alleen dec')."""
    shown = Period(max(first, start), min(last, now))
    if (shown.first, shown.last) == (first, last):
        return name, first, last
    months = [month_label(m)[:3] for m in (shown.first, shown.last)]
    return f"{name}: alleen {months[0] if shown.first == shown.last else '–'.join(months)}", shown.first, shown.last


def chosen_period():
    """The period in the query string (or the whole pilot), and the form with any Dutch error on it."""
    form = PeriodForm(request.args)
    now = now_local().strftime("%Y-%m")
    start = pilot_start()
    period = Period(start, now)
    if form.validate() and (form.van.data or form.tot.data):
        first = form.van.data.strftime("%Y-%m") if form.van.data else start
        last = form.tot.data.strftime("%Y-%m") if form.tot.data else now
        if first <= last:
            period = Period(first, last)
        else:
            form.van.errors = ["De beginmaand ligt na de eindmaand."]
    if not form.errors:  # Show the period in force; after an error, keep what was typed.
        form.van.data, form.tot.data = (datetime.strptime(m, "%Y-%m").date() for m in (period.first, period.last))
    return period, form


def label(period):
    """A period as readers say it: 'nov 2025 – nov 2026'."""
    first, last = month_label(period.first), month_label(period.last)
    return first if first == last else f"{first} – {last}"


def assemble(reach=False):
    """Everything the page, print view and CSV show for the chosen period (reach: the map's data too)."""
    period, form = chosen_period()
    db = get_db()
    sections, cur, rows = report_sections(db, period, reach)
    effort = sections[2]
    labels = [label(period), label(period.previous())]
    # Before the pilot there is nothing to compare with: no "vorige periode: 0" (issue 15).
    has_previous = period.previous().last >= pilot_start()
    if not has_previous:
        for section in sections:
            for row in section.figures + [r for t in section.tables if t.both for r in t.rows + [t.total] if r]:
                row.texts[1:] = [DASH]
    insight = db.execute("select text from insights where period_from = ? and period_to = ?",
                         [period.first, period.last]).fetchone()
    insight = [decrypt("insights", "text", insight[0])] if insight else None
    reach = [{"name": r[1], "lat": r[2], "lon": r[3], "shown": cur[f"reach_spot:{r[0]}"]}
             for r in rows["reach_per_spot"]]
    top = headline(sections)
    return {"period": period, "form": form, "sections": sections, "labels": labels, "headline": top,
            "summary": summary(top, labels, has_previous) + effort_sentence(effort), "has_previous": has_previous, "insight": insight[0] if insight else None, "reach": reach,
            "presets": presets(pilot_start()), "stage_names": [stage_label(s) for s in STAGE_ROWS]}


def report_sections(db, period, reach=False, previous=True):
    """The report's sections for one period beside its previous one: (sections, current published, raw rows).

    previous=False: only the current period's values are wanted (the CSV per quarter), the previous not computed.
    """
    # Before the pilot there is nothing to compare with: no previous period is computed or shown (issue 15).
    cur, prev, rows = build(db, period, reach, previous=previous and period.previous().last >= pilot_start())
    names = {r[0]: r[1] for r in rows["visits"]}
    ed, care, reach_section, signals, stages = layout(cur, prev, names)
    street, effort, context = street_sections(cur, prev, current_app.config, ggd.read(db))
    # After page 1: the ED and the way to care with its cost, then signals and context; the annex after that.
    return [ed, care, effort, signals, street, context, reach_section, stages], cur, rows


def reach_map(reach):
    """Circles per hangplek sized by the distinct youths met there; a protected count shows as its mark."""
    return maps.page(maps.reach_map(), map_reach=maps.reach_rows(reach))


@bp.route("/")
@allow(*READERS)
def show_report():
    """The report page for a period, with the previous period beside every figure."""
    context = assemble(reach=True)
    return render_template("report/show.html", **context, map=reach_map(context["reach"]), printing=False)


@bp.route("/print")
@allow(*READERS)
def print_report():
    """The same report laid out for A4: headline figures and a summary on the first page."""
    return render_template("report/show.html", **assemble(), map=None, printing=True)


@bp.route("/export.csv")
@allow(*READERS)
def export_report():
    """The report's figures as CSV for a spreadsheet: UTF-8 with BOM, ';', one row per figure and period."""
    context = assemble()
    rows = list(flat(context["sections"], context["labels"]))
    if context["insight"]:
        rows.append(("Inzichten", "Inzichten van de straathoekwerker", context["labels"][0], context["insight"]))
    period = context["period"]
    audit.record("export", "report", None, result=f"{period.first}..{period.last}")
    return csv_download(["Onderdeel", "Cijfer", "Periode", "Waarde"], rows,
                              f"pilotevaluatie-{period.first}-{period.last}.csv")


@bp.route("/kwartalen.csv")
@allow(*READERS)
def export_quarters():
    """Every figure by quarter of the pilot, one column per quarter: the same texts each quarter's own CSV gives."""
    start, now = pilot_start(), now_local().strftime("%Y-%m")
    db = get_db()
    # Each quarter clipped to the pilot and to this month, like its preset: the same period as its own page.
    periods = [(name, Period(max(first, start), min(last, now))) for name, first, last in quarters_of(start, now)]
    # Each column is the quarter's own first value (sections.wide_rows): its previous period is not needed.
    columns = [(f"{name} ({label(period)})", report_sections(db, period, previous=False)[0])
               for name, period in periods]
    audit.record("export", "report", None, result=f"kwartalen {start}..{now}")
    return csv_download(["Onderdeel", "Cijfer"] + [head for head, _ in columns], wide_rows(columns),
                        f"pilotevaluatie-kwartalen-{start}-{now}.csv")


@bp.route("/insights", methods=["GET", "POST"])
@allow("worker")
def edit_insights():
    """The worker writes what she sees on the street for this period; the report shows it to every reader."""
    period, period_form = chosen_period()
    db = get_db()
    existing = db.execute("select id, text from insights where period_from = ? and period_to = ?",
                          [period.first, period.last]).fetchone()
    form = InsightsForm(data={"text": decrypt("insights", "text", existing[1]) if existing else ""})
    if form.ready():
        save_sealed("insights", "insights", {"text": form.text.data.strip(), "updated_by": current_user.id,
                                             "updated_at": audit.utcnow()}, existing[0] if existing else None,
                    period_from=period.first, period_to=period.last)
        flash("Inzichten opgeslagen.", "success")
        return redirect(url_for("report.show_report", van=period.first, tot=period.last))
    return render_template("report/insights.html", form=form, period=period, period_label=label(period),
                           period_form=period_form)


def init_app(app):
    """Register the blueprint."""
    app.register_blueprint(bp)

