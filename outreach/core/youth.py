"""A youth as every capability meets it: its code as typed, the quick-add inside another form, one row by id."""
import json

from flask_login import current_user
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional, ValidationError

from ..vocab import AGE_BAND, GENDER, RISK_SIGNAL, STAGE, by_label, choices
from . import audit
from .dates import now_local, stamp
from .db import get_or_404
from .forms import GuardedForm


def youth_code(typed):
    """A youth code as typed ('j42', 'J-0042 ') in its stored form 'J-0042'."""
    return "J-" + "".join(ch for ch in typed if ch.isdigit()).zfill(4)


STAGE_CHOICES = [SelectChoice("", "onbekend")] + [SelectChoice(str(k), f"{k} · {v}") for k, v in STAGE.items()]


class NewYouthFields(GuardedForm):
    """Quick-add of a new youth inside another form (contact, concern): alias, age band, gender."""
    new_alias = StringField("Nieuwe jongere: bijnaam",
                            validators=[Optional(), Length(max=40, message="Maximaal 40 tekens.")])
    new_age_band = SelectField("Leeftijd", choices=choices(AGE_BAND, "Kies"), validate_choice=False)
    new_gender = SelectField("Gender/geslacht", choices=choices(GENDER), default="unknown")

    def validate_new_age_band(self, field):
        """A quick-added youth needs one of the age bands; without a new youth the field is ignored."""
        if (self.new_alias.data or "").strip() and field.data not in AGE_BAND:
            raise ValidationError("Kies de leeftijd van de nieuwe jongere.")

    def create_new_youth(self, db):
        """Insert the quick-added youth (inside the caller's transaction); its id, or None when none was asked."""
        if not (self.new_alias.data or "").strip():
            return None
        return create_youth(db, self.new_alias.data, self.new_age_band.data, self.new_gender.data)[0]


def next_code(db):
    """The next free youth code, J-0001 upward; called inside the write transaction, so it is unique."""
    row = db.execute("select max(cast(substr(code, 3) as integer)) from youths").fetchone()
    return f"J-{(row[0] or 0) + 1:04d}"


def create_youth(db, alias, age_band, gender, stage=None, risk_signals=()):
    """Insert a youth with a new code and its first stage entry; returns (id, code). Call inside db.atomic()."""
    code = next_code(db)
    youth_id = db["youths"].insert({
        "code": code, "alias": alias.strip(), "age_band": age_band, "gender": gender,
        "stage": int(stage) if stage else None, "risk_signals": json.dumps(by_label(risk_signals, RISK_SIGNAL)),
        "created_by": current_user.id, "created_at": audit.utcnow(),
    }).last_pk
    if stage:
        db["youth_stages"].insert({"youth_id": youth_id, "stage": int(stage), "set_by": current_user.id,
                                   "set_at": stamp(now_local())})
    audit.record("create", "youth", youth_id)
    return youth_id, code


def get_youth(youth_id):
    """One youth row that has not been merged away, or 404."""
    return get_or_404("youths", "id = ? and merged_into is null", [youth_id])
