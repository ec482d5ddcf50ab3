"""The register of processing (AVG art. 30), made from the schema: every column of every table, in one place.

Per table: purpose, legal ground, who sees it, retention. Per column: the category of data (and what it is for
when the table's purpose does not say enough). A test fails when a column is missing here, so the DPIA's
data inventory (PRIVACY.md and /admin/register/) can never fall behind the database.
"""
from flask import Blueprint, render_template

from ..core.access import allow

bp = Blueprint("register", __name__, url_prefix="/admin/register")

PUBLIC_TASK = "AVG 6.1e (publieke taak jeugd: Jeugdwet art. 2.1, Wpg art. 5a)"
HEALTH = "AVG 9.2h met UAVG art. 30 (jeugdhulp en zorg), naast " + PUBLIC_TASK
SECURITY = "AVG 32 en BIO (beveiliging en verantwoording)"
CATEGORIES = {
    "geen": "geen persoonsgegeven",
    "systeem": "technisch of systeemgegeven",
    "medewerker": "persoonsgegeven van een medewerker",
    "pseudoniem": "gepseudonimiseerd gegeven over een jongere",
    "bijzonder": "bijzonder persoonsgegeven (gezondheid, middelengebruik)",
    "identificerend": "identificerend gegeven van een jongere (versleuteld opgeslagen)",
    "vrije tekst": "vrije tekst, kan alles bevatten (versleuteld opgeslagen)",
    "melder": "identiteit van een melder (versleuteld, alleen voor de eigen werker)",
    "anoniem": "anonieme telling",
}
# table: (purpose, legal ground, who sees it, retention, {column: category or (category, note)})
REGISTER = {
    "meta": ("Instellingen van de app (bewaartermijnen, demovlag)", SECURITY, "beheerder", "zolang in gebruik",
             {"key": "systeem", "value": "systeem"}),
    "users": ("Accounts van medewerkers", "AVG 6.1e en 32", "beheerder; ieder zichzelf", "tot opheffen account",
              {"id": "systeem", "username": "medewerker", "password_hash": ("medewerker", "argon2id-hash"),
               "role": "medewerker", "active": "medewerker", "session_token": ("systeem", "intrekbare sessie"),
               # B105 reads the category label of a *_password column as a hard-coded password.
               "must_change_password": "systeem", "created_at": "systeem", "password_changed_at": "systeem",  # nosec B105
               "last_login_at": "medewerker", "totp_secret": ("medewerker", "geheim van de tweede factor"),
               "totp_enrolled_at": "systeem", "totp_last_step": ("systeem", "elke code maar één keer"),
               "full_name": ("medewerker", "naam zoals collega's die zien (of uit het gemeente-account)"),
               "email": ("medewerker", "optioneel, door de beheerder ingevuld")}),
    "oidc_accounts": ("Koppeling van een gemeente-account (OpenID Connect) aan een account", SECURITY, "beheerder",
                      "tot opheffen account", {"issuer": ("systeem", "inlogdienst van de gemeente"),
                                                "subject": ("medewerker", "vaste id bij de inlogdienst"),
                                                "user_id": "medewerker", "created_at": "systeem"}),
    "recovery_codes": ("Herstelcodes voor de tweede factor", SECURITY, "niemand (alleen gehasht)",
                       "tot gebruik of nieuwe codes", {"id": "systeem", "user_id": "medewerker",
                                                       "code_hash": ("medewerker", "argon2id-hash"),
                                                       "created_at": "systeem", "used_at": "systeem"}),
    "login_failures": ("Mislukte inlogpogingen, voor de vertraging na vijf fouten", SECURITY, "niemand direct",
                       "15 minuten tot een dag", {"id": "systeem", "scope": "systeem",
                                                  "key": ("medewerker", "gebruikersnaam of IP-adres"),
                                                  "at": "systeem"}),
    "spots": ("Hangplekken: waar jongeren samenkomen", PUBLIC_TASK, "werkers; plek en aantallen in het rapport",
              "zolang de pilot loopt", {"id": "systeem", "name": "geen", "kind": "geen", "lat": "geen",
                                         "lon": "geen", "description": "vrije tekst", "first_identified": "geen",
                                         "archived_at": "geen", "created_by": "medewerker",
                                         "created_at": "systeem", "last_active": ("geen", "afgeleid"),
                                         "last_visit": ("geen", "afgeleid"), "visits": ("geen", "afgeleid"),
                                         "contacts": ("geen", "afgeleid")}),
    "youths": ("Pseudoniem profiel van een jongere (code en bijnaam, nooit een naam)", HEALTH, "werkers",
               "24 maanden na laatste activiteit: bijnaam, signalen en koppelingen gewist",
               {"id": "pseudoniem", "code": "pseudoniem", "alias": "pseudoniem", "age_band": "pseudoniem",
                "gender": "pseudoniem", "stage": ("bijzonder", "Jellinek-fase"), "risk_signals": "bijzonder",
                "created_by": "medewerker", "created_at": "systeem", "merged_into": "pseudoniem",
                "erased_at": "systeem", "last_seen": ("pseudoniem", "afgeleid: laatste contact"),
                "contacts": ("pseudoniem", "afgeleid: aantal contacten")}),
    "youth_stages": ("Geschiedenis van de fase van gebruik", HEALTH, "werkers; anoniem in het rapport",
                     "blijft als anoniem feit", {"id": "systeem", "youth_id": "pseudoniem", "stage": "bijzonder",
                                                  "set_by": "medewerker", "set_at": "pseudoniem"}),
    "visits": ("Bezoeken aan hangplekken", PUBLIC_TASK, "werkers; aantallen in het rapport",
               "notitie 12 maanden, de rest als anoniem feit",
               {"id": "systeem", "spot_id": "geen", "worker_id": "medewerker", "visited_at": "geen",
                "youths_present": "anoniem", "use_seen": "anoniem", "dealing_seen": "anoniem", "atmosphere": "geen",
                "ed_present": "geen", "note": "vrije tekst", "created_at": "systeem",
                "client_id": ("systeem", "id van het toestel: één bezoek, ook bij opnieuw versturen"),
                "client_hash": "systeem", "round_id": "systeem"}),
    "contacts": ("Contactmomenten met jongeren", HEALTH, "werkers; aantallen in het rapport",
                 "notitie 12 maanden, de rest als anoniem feit",
                 {"id": "systeem", "worker_id": "medewerker", "spot_id": "pseudoniem", "lat": "pseudoniem",
                  "lon": "pseudoniem", "contacted_at": "pseudoniem", "kind": "pseudoniem",
                  "youths_present": "anoniem", "topics": "bijzonder", "substances": "bijzonder",
                  "ed_present": "pseudoniem", "duration_min": "geen", "note": "vrije tekst", "created_at": "systeem",
                  "corrects_id": "systeem", "replaced_by": "systeem",
                  "client_id": ("systeem", "id van het toestel: één contact, ook bij opnieuw versturen"),
                  "client_hash": "systeem", "round_id": "systeem"}),
    "contact_youths": ("Welke jongeren bij een contact waren", HEALTH, "werkers",
                       "24 maanden na laatste activiteit van de jongere", {"contact_id": "pseudoniem",
                                                                          "youth_id": "pseudoniem"}),
    "concerns": ("Zorgmeldingen over een jongere", HEALTH, "werkers; aantallen in het rapport",
                 "tekst 12 maanden na afsluiten, de rest als anoniem feit",
                 {"id": "systeem", "youth_id": "pseudoniem", "recorded_by": "medewerker",
                  "received_at": "pseudoniem", "source": ("pseudoniem", "soort bron, nooit wie"),
                  "worry": "vrije tekst", "facts": "vrije tekst", "level": "bijzonder", "status": "pseudoniem",
                  "close_reason": "pseudoniem", "reporter_informed": "geen", "first_contact_at": "pseudoniem",
                  "closed_at": "pseudoniem", "created_at": "systeem"}),
    "concern_reporters": ("Wie een zorg meldde (beschermd: invariant 2; in een eigen bestand naast de database, "
                          "zie Wissen van melders)", PUBLIC_TASK, "alleen de werker die de melding vastlegde",
                          "gewist bij afsluiten, overdracht of wissen op verzoek; nooit in een back-up",
                          {"concern_id": "systeem", "name": "melder", "reach": "melder"}),
    "handoffs": ("Overdrachten aan het CJG: de enige plek met naam en geboortedatum", HEALTH,
                 "de versturende werker en het CJG; aantallen in het rapport",
                 "naam, geboortedatum, telefoon, adres 3 maanden na afsluiten; tekst 12 maanden",
                 {"id": "systeem", "youth_id": "pseudoniem", "worker_id": "medewerker", "reason": "vrije tekst",
                  "facts": "vrije tekst", "stage": "bijzonder", "urgency": "pseudoniem", "consent": "pseudoniem",
                  "parents_informed": "pseudoniem", "sharing_ground": "pseudoniem", "full_name": "identificerend",
                  "birth_date": "identificerend", "phone": "identificerend", "address": "identificerend",
                  "summary": "vrije tekst", "warm_handoff_at": "pseudoniem", "status": "pseudoniem",
                  "assigned_to": "medewerker", "decline_reason": "vrije tekst", "outcome": "bijzonder",
                  "sent_at": "pseudoniem", "received_at": "pseudoniem", "accepted_at": "pseudoniem",
                  "declined_at": "pseudoniem", "closed_at": "pseudoniem", "worker_seen_at": "systeem",
                  "worker_news_at": ("systeem", "afgeleid: laatste terugkoppeling"),
                  "submission": ("systeem", "voorkomt dubbel verzenden"),
                  "cjg_news_at": ("systeem", "afgeleid: laatste bericht van de werker"),
                  "cjg_seen_at": "systeem"}),
    "handoff_concerns": ("Welke meldingen tot een overdracht leidden", PUBLIC_TASK, "werker en CJG",
                         "blijft als anoniem feit", {"handoff_id": "systeem", "concern_id": "systeem"}),
    "handoff_events": ("Tijdlijn van een overdracht (status, berichten tussen werker en CJG)", HEALTH, "werker en CJG",
                       "tekst 12 maanden na afsluiten", {"id": "systeem", "handoff_id": "systeem",
                                                         "at": "pseudoniem", "actor_id": "medewerker",
                                                         "kind": "pseudoniem", "status": "pseudoniem",
                                                         "text": "vrije tekst"}),
    "audit_log": ("Wie wat deed met welk gegeven (invariant 4), nooit de inhoud", SECURITY, "beheerder",
                  "5 jaar", {"id": "systeem", "at": "systeem", "actor_id": "medewerker", "actor_role": "medewerker",
                             "action": "systeem", "object_type": "systeem", "object_id": "pseudoniem",
                             "result": "systeem", "origin": ("medewerker", "IP-adres")}),
    "insights": ("Inzichten van de werker bij het rapport", PUBLIC_TASK, "werkers, CJG en management",
                 "zolang de pilot loopt", {"id": "systeem", "period_from": "geen", "period_to": "geen",
                                           "text": ("vrije tekst", "gecontroleerd op namen en nummers"),
                                           "updated_by": "medewerker", "updated_at": "systeem",
                                           "created_at": "systeem"}),
}
# The report's monthly roll-ups: counts per pseudonymous youth id, kept after purges so the report stays true.
ROLLUPS = ("Maandtellingen voor de pilotevaluatie", PUBLIC_TASK, "niemand direct; het rapport toont alleen "
           "beschermde aantallen", "zolang de pilot loopt (geen tekst, geen namen)")
for _table, _columns in {
    "report_contacts": ["month", "contacts", "ed", "group_contacts", "group_youths", "minutes", "help"],
    "report_substances": ["month", "substance", "contacts"],
    "report_links": ["youth_id", "spot_id", "month", "contacts", "ed", "help"],
    "report_reach": ["youth_id", "spot_id", "year", "months", "ed_months", "help_months"],
    "report_youth_years": ["youth_id", "year", "months", "ed_months", "help_months", "age_band", "gender",
                           "first_stage", "first_at", "last_stage", "last_at"],
    "report_visits": ["month", "spot_id", "visits"],
    # Migration 0017: topics per month, use and dealing seen per month and kind of spot, minutes of rounds.
    "report_topics": ["month", "topic", "contacts"],
    "report_visit_signs": ["month", "kind", "visits", "use_seen", "dealing_seen"],
    "report_rounds": ["month", "ed", "rounds", "minutes"],
}.items():
    REGISTER[_table] = (*ROLLUPS, dict.fromkeys(_columns, "anoniem"))
# A youth's risk signals as the report counts them (migration 0017): kept when a purge empties the profile, so
# the report stays true; only ever shown as protected counts.
REGISTER["report_youth_signals"] = (
    "Risicosignalen per jongere voor de pilotevaluatie", PUBLIC_TASK, ROLLUPS[2],
    "zolang de pilot loopt (ook na het opschonen van het profiel)",
    {"youth_id": "pseudoniem", "signal": ("bijzonder", "risicosignaal (o.a. ADHD, LVB)")})
# A round on the street (migration 0015): when the worker was out and whether the ED came along; no youth in it.
REGISTER["rounds"] = ("Rondes op straat (uren voor de pilotevaluatie)", PUBLIC_TASK, "werkers; uren in het rapport",
                      "blijft (geen gegevens over jongeren)",
                      {"id": "systeem", "worker_id": "medewerker", "started_at": "medewerker",
                       "ended_at": "medewerker", "ed_present": "medewerker", "created_at": "systeem"})
# The report's context (migration 0018): published figures the admin types in (GGD monitor, inhabitants).
REGISTER["report_context"] = (
    "GGD-cijfers en inwoners per leeftijd voor de schatting van de groep in het rapport", PUBLIC_TASK,
    "beheerder; het rapport toont ze", "zolang de pilot loopt",
    {**{c: "geen" for c in ("id", "pupils_soft_drugs", "pupils_other_drugs", "young_adults_soft_drugs",
                            "young_adults_other_drugs", "ggd_source", "ggd_year", "inhabitants_12_15",
                            "inhabitants_16_17", "inhabitants_18_23", "inhabitants_source", "inhabitants_year")},
     "updated_by": "medewerker", "updated_at": "systeem"})
# Per youth, the months the report's cohorts follow (migration 0021): derived from the roll-ups above and handoffs.
REGISTER["report_youth_first"] = (*ROLLUPS, {"youth_id": "pseudoniem", "start": "anoniem", "with_ed": "anoniem",
                                             "helped": "anoniem", "sent": "anoniem"})
# How many spots are active and archived (migration 0020), kept by triggers so the map page need not count them.
REGISTER["spot_totals"] = ("Aantal hangplekken (actief, gearchiveerd)", PUBLIC_TASK, "werkers", "zolang in gebruik",
                           {"archived": "geen", "spots": "geen"})
INTERNAL = {"_sqlite_migrations"}  # sqlite-utils' own bookkeeping of applied migrations


def schema_columns(db):
    """(table, column) of every column in the database and in the reporter store, internal tables left out."""
    from ..core.reporters import store  # The reporters' own file (invariant 2) is part of what is processed.
    found = []
    for conn in (db, store()):
        tables = [r[0] for r in conn.execute("select name from sqlite_master where type = 'table' and name not "
                                             "like 'sqlite_%' order by name") if r[0] not in INTERNAL]
        found += [(t, c) for t in tables for c in conn[t].columns_dict]
    return found


def missing(db):
    """Columns in the database that the register does not describe (should be empty)."""
    return [(t, c) for t, c in schema_columns(db) if c not in REGISTER.get(t, (None,) * 4 + ({},))[4]]


@bp.route("/")
@allow("admin")
def show_register():
    """The data inventory for the privacy officer's DPIA."""
    return render_template("register/register.html", register=REGISTER, categories=CATEGORIES)


def markdown():
    """PRIVACY.md: the same inventory as text, with what lives on a phone and what leaves the app."""
    from flask import render_template as render  # Needs an app context, like the page.
    return render("register/privacy.md", register=REGISTER, categories=CATEGORIES)


def init_app(app):
    """Register the blueprint and the command."""
    app.register_blueprint(bp)
