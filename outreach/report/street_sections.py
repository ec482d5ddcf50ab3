"""The report's sections on what the street tells, effort and cost, and the GGD context, in words (see street.py).

Each says on the page where its numbers come from; the CSV reads the same rows as the page (sections.flat).
"""
from ..vocab import RISK_SIGNAL, SPOT_KIND, TOPIC
from .sections import DASH, Row, Section, Table, count, percent
from .street import costs, ggd_context, quarters


def number(value, digits=0):
    """A non-count number in Dutch notation (thousands '.', decimal ','), or a dash."""
    if value is None:
        return DASH
    text = f"{value:,.{digits}f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def whole_or_tenth(value):
    """A percentage as typed: '7' or '6,5'."""
    return number(value, 0 if float(value).is_integer() else 1)


def euros(value):
    """An amount in whole euros, or a dash."""
    return DASH if value is None else f"€ {number(value)}"


def street_sections(cur, prev, config, figures=None):
    """Sections: what was seen and heard on the street, hours and cost, and the size of the group (GGD).

    figures: the GGD figures and inhabitants the admin entered (core/context.py), or None.
    """
    def figure(key, label):
        """A protected count with both periods."""
        return Row(label, [count(cur[key]), count(prev[key])])

    def shares(part, base, label):
        """A share of a published base, both periods."""
        return Row(label, [percent(p.share(part, base)) for p in (cur, prev)])

    def table(key, title, labels, total=None, both=True, **kw):
        """A breakdown of protected counts key:code, current period beside the previous one (both)."""
        rows = [Row(text, [count(cur[f"{key}:{k}"])] + ([count(prev[f"{key}:{k}"])] if both else []),
                    bar=cur[f"{key}:{k}"] if isinstance(cur[f"{key}:{k}"], int) else None) for k, text in labels]
        total_row = Row("Totaal", [count(cur[total])] + ([count(prev[total])] if both else [])) if total else None
        return Table(key, title, rows, total_row, both, **kw)

    by_quarter = list(quarters(cur.sheet.months).items())

    street = Section("straat", "Wat de straathoekwerker ziet en hoort", [
        figure("use_visits", "Bezoeken waarbij gebruik gezien"),
        shares("use_visits", "visits", "… aandeel van alle bezoeken aan hangplekken"),
        figure("dealing_visits", "Bezoeken waarbij dealen gezien"),
        shares("dealing_visits", "visits", "… aandeel van alle bezoeken aan hangplekken (dealen)"),
        figure("topic:school_work", "Contacten over school, werk of toekomstperspectief"),
        shares("topic:school_work", "contacts", "… aandeel van alle contacten"),
        figure("risk_future", "Bereikte jongeren met schooluitval of zonder werk of opleiding"),
        shares("risk_future", "reached", "… aandeel van de bereikte jongeren"),
    ], [
        table("use_kind", "Bezoeken met gebruik gezien, naar soort plek", list(SPOT_KIND.items()), "use_visits"),
        table("dealing_kind", "Bezoeken met dealen gezien, naar soort plek", list(SPOT_KIND.items()),
              "dealing_visits"),
        table("use_quarter", "Bezoeken met gebruik gezien, per kwartaal", by_quarter, "use_visits", both=False,
              annex=True),
        table("dealing_quarter", "Bezoeken met dealen gezien, per kwartaal", by_quarter, "dealing_visits",
              both=False, annex=True),
        table("topic", "Contacten naar besproken onderwerp (een contact kan meer onderwerpen hebben)",
              list(TOPIC.items())),
        table("risk", "Bereikte jongeren naar risicosignaal (een jongere kan meer signalen hebben)",
              list(RISK_SIGNAL.items())),
    ])
    street.note = ("Gebruik en dealen: zoals de straathoekwerker ze bij een bezoek aan een hangplek aankruiste. "
                   "Risicosignalen: het profiel van de jongere, zoals het was vóór een opschoning.")

    c, p = costs(cur, config), costs(prev, config)
    effort = Section("inzet", "Inzet en kosten", [
        Row("Uren op straat (afgesloten rondes)", [number(c["hours"]), number(p["hours"])]),
        Row("… waarvan met de ervaringsdeskundige", [number(c["hours_ed"]), number(p["hours_ed"])]),
        Row("… waarvan zonder ervaringsdeskundige", [number(c["hours_no_ed"]), number(p["hours_no_ed"])]),
        Row("Uren per bereikte jongere", [number(c["per_youth"], 1), number(p["per_youth"], 1)]),
        Row("Uren per toeleiding (overdracht naar het CJG)", [number(c["per_handoff"], 1),
                                                              number(p["per_handoff"], 1)]),
        Row("Kosten per toeleiding (uren × uurtarief)", [euros(c["cost_per_handoff"]), euros(p["cost_per_handoff"])]),
        Row("Pilotbudget per toeleiding", [euros(c["budget_per_handoff"]), euros(p["budget_per_handoff"])]),
    ])
    rate = f"het uurtarief van {euros(c['rate'])} uit de instellingen" if c["rate"] else \
        "een uurtarief (nog niet ingesteld: REPORT_HOURLY_COST)"
    budget = f"het pilotbudget van {euros(c['budget'])} uit de instellingen" if c["budget"] else \
        "het pilotbudget (nog niet ingesteld: REPORT_PILOT_BUDGET; de raadsmemo noemt geen bedrag)"
    effort.note = (f"Uren: de rondes die de straathoekwerker in de app startte en afsloot, naar de maand van de start. "
                   f"Kosten: uren × {rate}; daarnaast {budget} gedeeld door het getoonde aantal overdrachten. "
                   "Per jongere en per toeleiding alleen bij een getoond aantal van 5 of meer.")

    context = Section("context", "Omvang van de groep (schatting met de GGD-cijfers)")
    before = {g["group"]: g for g in ggd_context(prev, figures)}
    for group in ggd_context(cur, figures):
        estimate = number(group["estimate"])  # Not a count of people in the data: an estimate, shown as it is.
        ages, was = group["ages"], before[group["group"]]
        context.figures += [
            Row(f"Geschatte groep {group['label']} die ooit softdrugs gebruikte ({whole_or_tenth(group['share'])}% van "
                f"ca. {number(group['inhabitants'])} inwoners van {ages})", [estimate, estimate]),
            Row(f"Bereikte jongeren van {ages}", [number(group["reached"]), number(was["reached"])]),
            Row(f"… als deel van de geschatte groep van {ages}",
                [percent(group["reach_share"]), percent(was["reach_share"])]),
        ]
        if group["other_estimate"] is not None:
            other = number(group["other_estimate"])
            context.figures.append(Row(f"Geschatte groep {group['label']} die ooit andere drugs gebruikte "
                                       f"({whole_or_tenth(group['other_share'])}%)", [other, other]))
    context.note = context_note(figures)
    return street, effort, context


def context_note(figures):
    """Where the estimate's numbers come from (source and year as the admin entered them), and what it is not."""
    if not figures:
        return ("Nog geen schatting: de beheerder heeft de GGD-cijfers en het aantal inwoners per leeftijd nog niet "
                "ingevuld (Beheer, Gebruikers, 'GGD-cijfers en inwoners').")
    return (f"Een schatting, geen telling. Percentages: {figures['ggd_source']} ({figures['ggd_year']}). "
            f"Inwoners: {figures['inhabitants_source']} ({figures['inhabitants_year']}). Ingevuld door de beheerder. "
            "De GGD vroeg een steekproef (scholieren van klas 2 en 4), niet iedere bereikte jongere gebruikt, "
            "en het bereik is afgerond op vijftallen.")


def effort_sentence(effort):
    """A sentence for the council summary on hours and cost, or '' when no round has ended in the period."""
    shown = {row.label: row.texts[0] for row in effort.figures}
    hours, ed = shown["Uren op straat (afgesloten rondes)"], shown["… waarvan met de ervaringsdeskundige"]
    if hours in (DASH, "0"):
        return ""
    cost = shown["Kosten per toeleiding (uren × uurtarief)"]
    return (f" De straathoekwerker was {hours} uur op straat, waarvan {ed} met de ervaringsdeskundige"
            + (f"; een toeleiding kostte zo {cost} aan uren." if cost != DASH else "."))
