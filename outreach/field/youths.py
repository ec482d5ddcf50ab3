"""Jongeren: pseudonymous profiles (a code and an alias only workers see), stage history, timeline, merging."""
import json

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import BooleanField, RadioField, SelectField, StringField
from wtforms.validators import DataRequired, Length

from ..core import audit
from ..core.access import allow
from ..core.dates import day, now_local, stamp
from ..core.db import Listed, get_db, get_or_404
from ..core.forms import GuardedForm, MultiCheckboxField
from ..core.youth import STAGE_CHOICES, create_youth, get_youth
from ..vocab import (AGE_BAND, CONCERN_LEVEL, CONCERN_SOURCE, CONTACT_KIND, GENDER, HANDOFF_STATUS, RISK_SIGNAL, STAGE,
                     SUBSTANCE, TOPIC, URGENCY, by_label, choices, counted, kept, label, labels)

bp = Blueprint("youths", __name__, url_prefix="/youths")


class YouthForm(GuardedForm):
    """A youth profile: never a real name, address or phone (invariant 1)."""
    alias = StringField("Bijnaam (alleen voor straathoekwerkers)", validators=[
        DataRequired("Kies een bijnaam, bijvoorbeeld ‘Rode pet’."), Length(max=40, message="Maximaal 40 tekens.")])
    age_band = SelectField("Leeftijd", choices=choices(AGE_BAND, "Kies een leeftijd"),
                           validators=[DataRequired("Kies een leeftijdsgroep.")])
    gender = RadioField("Gender/geslacht", choices=choices(GENDER), default="unknown",
                        validators=[DataRequired("Kies gender/geslacht of ‘onbekend’.")])
    stage = SelectField("Fase (Jellinek)", choices=STAGE_CHOICES)
    risk_signals = MultiCheckboxField("Risicosignalen", choices=choices(RISK_SIGNAL))
    guarded = ("alias",)


PAGE = 50


@bp.route("/")
@allow("worker")
def list_youths():
    """Youths by last contact, searchable by code or alias, a page at a time (figures kept on the row)."""
    q = request.args.get("q", "").strip()[:40]
    page = max(1, min(request.args.get("pagina", 1, type=int), 10_000))
    # Reads the index on (merged_into, last_seen, code): one page costs the same at any number of contacts.
    rows = list(get_db().query(
        "select id, code, alias, erased_at, age_band, gender, stage, last_seen, contacts from youths "
        "where merged_into is null and (? = '' or code like ? or alias like ?) "
        "order by last_seen desc, code limit ? offset ?",
        [q, f"%{q}%", f"%{q}%", PAGE + 1, (page - 1) * PAGE]))
    audit.record("view", "youth", None, result="list")
    return render_template("youths/list.html", youths=as_shown(rows[:PAGE]), q=q, stages=STAGE, page=page,
                           more=len(rows) > PAGE)


def as_shown(rows):
    """The rows as the list prints them, each row's words put together once (a full page costs what a short does)."""
    shown_rows = []
    for y in rows:
        stage = f"{y['stage']} ({label(y['stage'], STAGE)})" if y["stage"] else "onbekend"
        facts = [label(y["age_band"], AGE_BAND), label(y["gender"], GENDER), f"fase {stage}",
                 counted(y["contacts"], "contact", "contacten")]
        if y["last_seen"]:
            facts.append(f"laatst {day(y['last_seen'])}")
        shown_rows.append(Listed(**y, alias_shown=kept(y["alias"], y["erased_at"]), facts=" · ".join(facts)))
    return shown_rows


@bp.route("/new", methods=["GET", "POST"])
@allow("worker")
def new_youth():
    """Create a pseudonymous profile."""
    form = YouthForm()
    if form.ready():
        db = get_db()
        with db.atomic():
            youth_id, code = create_youth(db, form.alias.data, form.age_band.data, form.gender.data,
                                          form.stage.data, form.risk_signals.data)
        flash(f"Jongere {code} aangemaakt.", "success")
        return redirect(url_for("youths.show_youth", youth_id=youth_id))
    return render_template("youths/form.html", form=form, youth=None)


@bp.route("/<int:youth_id>")
@allow("worker")
def show_youth(youth_id):
    """The profile with its stage history and a timeline; an old link to a merged profile leads to the kept one."""
    youth = get_or_404("youths", "id = ?", [youth_id])
    if youth["merged_into"]:
        return redirect(url_for("youths.show_youth", youth_id=youth["merged_into"]))
    db = get_db()
    stages = db.query("select s.stage, s.set_at, u.username, u.full_name, u.role from youth_stages s "
                      "left join users u on u.id = s.set_by where s.youth_id = ? order by s.set_at desc", [youth_id])
    timeline = db.query(
        "select c.contacted_at as at, 'contact' as kind, c.kind as what, sp.name as place, c.topics, c.substances, "
        "c.id from contacts c join contact_youths cy on cy.contact_id = c.id left join spots sp on sp.id = c.spot_id "
        "where cy.youth_id = ? and c.replaced_by is null "
        "union all select received_at, 'zorgmelding', level, source, null, null, id from concerns where youth_id = ? "
        "union all select sent_at, 'overdracht', status, urgency, null, null, id from handoffs where youth_id = ? "
        "order by 1 desc limit 100", [youth_id, youth_id, youth_id])
    audit.record("view", "youth", youth_id)
    return render_template("youths/show.html", youth=youth, stages=list(stages), timeline=described(timeline),
                           stage_names=STAGE, risks=labels(json.loads(youth["risk_signals"] or "[]"), RISK_SIGNAL))


# What each kind of timeline row says: a contact its kind (and spot), a concern its level and source, a handoff
# its status and urgency.
TIMELINE_WORDS = {"contact": (CONTACT_KIND, None), "zorgmelding": (CONCERN_LEVEL, CONCERN_SOURCE),
                  "overdracht": (HANDOFF_STATUS, URGENCY)}


def described(timeline):
    """Timeline rows with their stored codes in words: what happened and the topics and substances named."""
    rows = []
    for row in map(dict, timeline):
        what, place = TIMELINE_WORDS[row["kind"]]
        row["what"] = label(row["what"], what)
        row["place"] = label(row["place"], place) if place else row["place"]
        row["named"] = labels(json.loads(row["topics"] or "[]"), TOPIC) + labels(
            json.loads(row["substances"] or "[]"), SUBSTANCE)
        rows.append(row)
    return rows


@bp.route("/<int:youth_id>/edit", methods=["GET", "POST"])
@allow("worker")
def edit_youth(youth_id):
    """Change a profile; a new stage is added to the history with who set it and when."""
    youth = get_youth(youth_id)
    form = YouthForm(data={**youth, "stage": str(youth["stage"] or ""),
                           "risk_signals": json.loads(youth["risk_signals"] or "[]")})
    if request.method == "GET":
        audit.record("view", "youth", youth_id, result="edit form")
    if form.ready():
        stage = int(form.stage.data) if form.stage.data else None
        db = get_db()
        with db.atomic():
            db["youths"].update(youth_id, {"alias": form.alias.data.strip(), "age_band": form.age_band.data,
                                           "gender": form.gender.data, "stage": stage,
                                           "risk_signals": json.dumps(by_label(form.risk_signals.data, RISK_SIGNAL))})
            if stage and stage != youth["stage"]:
                db["youth_stages"].insert({"youth_id": youth_id, "stage": stage, "set_by": current_user.id,
                                           "set_at": stamp(now_local())})
            audit.record("update", "youth", youth_id)
        flash("Profiel bijgewerkt.", "success")
        return redirect(url_for("youths.show_youth", youth_id=youth_id))
    return render_template("youths/form.html", form=form, youth=youth)


class MergeForm(GuardedForm):
    """Which other profile is the same youth."""
    other = StringField("Code van het dubbele profiel", validators=[DataRequired("Vul de code in, bijvoorbeeld J-0042.")])
    sure = BooleanField("Ik weet zeker dat dit dezelfde jongere is", validators=[
        DataRequired("Vink aan dat je het zeker weet.")])


@bp.route("/<int:youth_id>/merge", methods=["GET", "POST"])
@allow("worker")
def merge_youth(youth_id):
    """Merge a duplicate profile into this one: its contacts, stages, concerns and handoffs move here."""
    youth = get_youth(youth_id)
    form = MergeForm()
    if form.validate_on_submit():
        db = get_db()
        other = list(db["youths"].rows_where("code = ? and merged_into is null",
                                             [form.other.data.strip().upper()], limit=1))
        if not other or other[0]["id"] == youth_id:
            form.other.errors.append("Geen ander actief profiel met deze code.")
        else:
            merge(db, other[0]["id"], youth_id)
            flash(f"{other[0]['code']} is samengevoegd met {youth['code']}.", "success")
            return redirect(url_for("youths.show_youth", youth_id=youth_id))
    return render_template("youths/merge.html", form=form, youth=youth)


def merge(db, source, target):
    """Move everything of youth source to youth target in one transaction; nothing is lost or doubled."""
    with db.atomic():
        both = list(db.query("select id, stage, risk_signals from youths where id in (?, ?)", [source, target]))
        signals = by_label({s for row in both for s in json.loads(row["risk_signals"] or "[]")}, RISK_SIGNAL)
        db.execute("insert or ignore into contact_youths (contact_id, youth_id) "
                   "select contact_id, ? from contact_youths where youth_id = ?", [target, source])
        db.execute("delete from contact_youths where youth_id = ?", [source])
        db.execute("update youth_stages set youth_id = ? where youth_id = ?", [target, source])
        db.execute("update concerns set youth_id = ? where youth_id = ?", [target, source])
        db.execute("update handoffs set youth_id = ? where youth_id = ?", [target, source])
        # The current stage is the latest one in the joined history (else whichever profile had one).
        latest = db.execute("select stage from youth_stages where youth_id = ? order by set_at desc, id desc limit 1",
                            [target]).fetchone()
        stage = latest[0] if latest else next((r["stage"] for r in both if r["stage"]), None)
        db["youths"].update(target, {"risk_signals": json.dumps(signals), "stage": stage})
        db["youths"].update(source, {"merged_into": target})
        audit.record("update", "youth", target, result=f"merged from {source}")
        audit.record("update", "youth", source, result=f"merged into {target}")


def init_app(app):
    """Register the blueprint."""
    app.register_blueprint(bp)
