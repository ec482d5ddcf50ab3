"""Fixed ingredients of the synthetic demo year around Heerde (all people in it are invented)."""
# The app's own value lists (codes, in display order), so demo data can never hold a value the forms would refuse.
from ..vocab import CLOSE_REASON, HANDOFF_STATUS, OPEN_CONCERN as OPEN, OUTCOME, RISK_SIGNAL, TOPIC

OUTCOMES, HANDOFF_STATUSES, CLOSE_REASONS = list(OUTCOME), list(HANDOFF_STATUS), list(CLOSE_REASON)
TOPICS, RISK_SIGNALS = list(TOPIC), list(RISK_SIGNAL)
# Chance that a youth who has not yet met the ED does not (yet) ask for help in a contact (the memo: beside the
# ED, youths seek help sooner); 0 = no effect.
ED_EFFECT = 0.9

# Plausible hangplekken in the municipality of Heerde (Heerde, Wapenveld, Veessen); positions approximate.
# name, kind, lat, lon, popularity (relative), description
SPOTS = [
    ("Skatebaan Sportpark Heerde", "skatepark", 52.3905, 6.0330, 5, "Achter de sporthal, overdekt hoekje bij de halfpipe."),
    ("Bushalte Stationsweg", "station", 52.3862, 6.0445, 4, "Abri's en fietsenstalling; 's avonds verlicht."),
    ("Schoolplein Eperweg", "schoolyard", 52.3840, 6.0360, 3, "Na schooltijd en in het weekend, bij de fietsenstalling."),
    ("Dorpsstraat bij de supermarkt", "shopping", 52.3876, 6.0408, 4, "Bankjes en muurtje naast de ingang."),
    ("Park Molenweg", "park", 52.3900, 6.0460, 3, "Speeltuin en bankjes onder de bomen."),
    ("Heerderstrand", "park", 52.3960, 6.0180, 2, "Strand en parkeerplaats bij de plas; vooral in de zomer."),
    ("JOP Zwolseweg", "other", 52.3945, 6.0470, 4, "Jongerenontmoetingsplek met overkapping."),
    ("Fietstunnel Kamperweg", "other", 52.3930, 6.0400, 1, "Onder de weg; sinds de verlichting er is, minder in gebruik."),
    ("Skateveldje Wapenveld", "skatepark", 52.4330, 6.0720, 3, "Bij het sportveld aan de rand van het dorp."),
    ("Winkelcentrum Wapenveld", "shopping", 52.4345, 6.0745, 2, "Plein met bankjes en snackbar."),
    ("Schoolplein Wapenveld", "schoolyard", 52.4310, 6.0690, 2, "Basisschoolplein; oudere jongeren 's avonds."),
    ("IJsseldijk Veessen", "other", 52.3700, 6.0870, 1, "Bankje op de dijk; auto's en scooters."),
]
ARCHIVED_SPOT = "Fietstunnel Kamperweg"

ALIASES = [
    "Pet", "Blauwe jas", "Scooter", "Lange", "Krullen", "Skater", "Rapper", "Stille", "Voetballer",
    "Capuchon", "Bril", "Rode sneakers", "Tas", "Kleine", "Koptelefoon", "BMX", "Lachje", "Groene jas",
    "Vlecht", "Oorbel", "Trainingspak", "Fietser", "Boxer", "Gamer", "Snor",
]
AGE_BANDS = [("0-11", 2), ("12-15", 30), ("16-17", 35), ("18-23", 30), ("24+", 3)]
GENDERS = [("male", 62), ("female", 33), ("other", 2), ("unknown", 3)]
STAGES = [(1, 30), (2, 28), (3, 20), (4, 10), (5, 5), (None, 7)]
CONTACT_KINDS = [("street", 60), ("group", 20), ("individual", 15), ("remote", 5)]
SUBSTANCES = [("cannabis", 40), ("nitrous_oxide", 18), ("alcohol", 20), ("xtc", 8), ("cocaine", 6),
              ("amphetamine", 4), ("ghb", 2), ("other", 2)]
ATMOSPHERES = [("calm", 45), ("relaxed", 30), ("tense", 18), ("restless", 7)]
NOTES = [
    "Kort gepraat, sfeer goed.", "Groep was net aangekomen, later terugkomen.",
    "Vroegen naar werk in de zomer.", "Veel lachgaspatronen op de grond.",
    "Politie was net langs geweest; jongens wat op hun hoede.", "ED had een goed gesprek over stoppen.",
    "Twee nieuwe gezichten, nog niet aangesproken.", "Regen, weinig mensen.",
]
# The worker's own words for the report of the whole demo year.
INSIGHT = (
    "Bij de skatebaan en de JOP zien we sinds de zomer meer lachgas; jongeren zeggen dat het 'normaal' is "
    "geworden. De ervaringsdeskundige opent deuren: jongeren stellen hem vragen die ze mij niet stellen.\n\n"
    "Steeds vaker komen vrienden naar ons toe als ze zich zorgen maken over iemand uit de groep. Dat vertrouwen "
    "komt doordat we er elke week staan. Wat nog ontbreekt: een plek waar jongeren van 18 tot 23 terecht kunnen "
    "voor werk en schulden."
)
WEEKDAY_ROUND_CHANCE = [0.5, 0.7, 0.8, 0.7, 0.9, 0.6, 0.2]  # Monday .. Sunday

CONCERN_SOURCES_EARLY = [("friend", 20), ("parent", 20), ("school", 18), ("police", 12), ("gp", 5),
                         ("youth", 5), ("own_observation", 12), ("anonymous", 5), ("other_partner", 3)]
CONCERN_SOURCES_LATE = [("friend", 40), ("parent", 15), ("school", 12), ("police", 8), ("gp", 4),
                        ("youth", 8), ("own_observation", 8), ("anonymous", 3), ("other_partner", 2)]
WORRY_LEVELS = [("low", 25), ("medium", 40), ("high", 28), ("acute", 7)]
CONCERN_STATUSES = [*OPEN, "handed_over", "closed"]
WORRIES = [
    "Gebruikt bijna elke dag, is niet meer op school geweest.",
    "Is veel afgevallen en slaapt overdag.",
    "Zit veel bij oudere jongens die dealen.",
    "Heeft schulden bij iemand en is bang.",
    "Gebruikt lachgas met de auto rijden.",
    "Trekt zich terug, zegt dat het thuis niet goed gaat.",
]
FACTS = [
    "Twee weken niet op school volgens de melder.", "Is drie keer gezien met een tas vol ballonnen.",
    "Vertelde zelf dat hij 's ochtends al blowt.", "Politie trof haar 's nachts aan bij de JOP.",
    "Heeft een conflict over geld met een oudere jongen.",
]
DECLINE_REASONS = ["Valt onder een lopend traject bij Veilig Thuis.", "Woont buiten de gemeente; doorgezet naar CJG Epe."]
FEEDBACK = [
    "Eerste gesprek gehad, jongere kwam zelf.", "Ouders zijn gebeld en willen meewerken.",
    "Aangemeld bij de verslavingsdeskundige van het CJG.", "Afspraak gemist, we proberen het via school.",
]
# The worker's answer in the thread, a day after the CJG's first word; on finished cases the CJG writes once more.
REPLIES = [  # Without he or she: the handoff's invented name may be anyone's.
    "Dank je. Donderdag ben ik bij de skatebaan en zeg ik dat jullie bellen.",
    "Fijn. De vraag is of moeder mee mag naar het eerste gesprek.",
    "Ik loop vrijdag met de ED langs de hangplek en houd jullie op de hoogte.",
    "Is op de hoogte. Overdag lukt niet, vanwege een bijbaan bij de bakker.",
]
# Invented people for the handoffs' identifying details and the reporters (never real persons).
FIRST_NAMES = ["Daan", "Sem", "Milan", "Noah", "Lucas", "Jesse", "Liam", "Finn", "Emma", "Tess", "Sara",
               "Lotte", "Fenna", "Isa", "Jayden", "Mees", "Nina", "Luuk", "Ruben", "Yara"]
LAST_NAMES = ["de Vries", "Jansen", "van Dijk", "Bakker", "Visser", "Smit", "Mulder", "de Boer", "Bos",
              "van den Berg", "Dijkstra", "Kok", "Hendriks", "Brouwer", "Post"]
STREETS = ["Dorpsstraat", "Eperweg", "Zwolseweg", "Molenweg", "Stationsweg", "Kamperweg", "Apeldoornseweg"]
# The report's context (core/context.py): the memo's GGD figures, and plausible inhabitants of Heerde per age band
# (about 18,800 inhabitants × the national share of those ages, a little under it for 18-23: many leave to study).
CONTEXT_INHABITANTS = {"inhabitants_12_15": 860, "inhabitants_16_17": 440, "inhabitants_18_23": 1090,
                       "inhabitants_source": "Demo: schatting voor Heerde (ca. 18.800 inwoners) naar de landelijke "
                                             "leeftijdsopbouw; vervang door CBS StatLine"}
