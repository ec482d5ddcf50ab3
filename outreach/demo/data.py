"""Fixed ingredients of the synthetic demo year around Heerde (all people in it are invented)."""
# The app's own choice lists, so demo data can never hold a value the forms would refuse.
from ..casework.cjg import OUTCOMES, STATUSES as HANDOFF_STATUSES  # noqa: F401
from ..casework.concerns import CLOSE_REASONS, OPEN  # noqa: F401
from ..field.contacts import TOPICS  # noqa: F401
from ..field.youths import RISK_SIGNALS  # noqa: F401

# Plausible hangplekken in the municipality of Heerde (Heerde, Wapenveld, Veessen); positions approximate.
# name, kind, lat, lon, popularity (relative), description
SPOTS = [
    ("Skatebaan Sportpark Heerde", "skatebaan", 52.3905, 6.0330, 5, "Achter de sporthal, overdekt hoekje bij de halfpipe."),
    ("Bushalte Stationsweg", "station", 52.3862, 6.0445, 4, "Abri's en fietsenstalling; 's avonds verlicht."),
    ("Schoolplein Eperweg", "schoolplein", 52.3840, 6.0360, 3, "Na schooltijd en in het weekend, bij de fietsenstalling."),
    ("Dorpsstraat bij de supermarkt", "winkelcentrum", 52.3876, 6.0408, 4, "Bankjes en muurtje naast de ingang."),
    ("Park Molenweg", "park", 52.3900, 6.0460, 3, "Speeltuin en bankjes onder de bomen."),
    ("Heerderstrand", "park", 52.3960, 6.0180, 2, "Strand en parkeerplaats bij de plas; vooral in de zomer."),
    ("JOP Zwolseweg", "anders", 52.3945, 6.0470, 4, "Jongerenontmoetingsplek met overkapping."),
    ("Fietstunnel Kamperweg", "anders", 52.3930, 6.0400, 1, "Onder de weg; sinds de verlichting er is, minder in gebruik."),
    ("Skateveldje Wapenveld", "skatebaan", 52.4330, 6.0720, 3, "Bij het sportveld aan de rand van het dorp."),
    ("Winkelcentrum Wapenveld", "winkelcentrum", 52.4345, 6.0745, 2, "Plein met bankjes en snackbar."),
    ("Schoolplein Wapenveld", "schoolplein", 52.4310, 6.0690, 2, "Basisschoolplein; oudere jongeren 's avonds."),
    ("IJsseldijk Veessen", "anders", 52.3700, 6.0870, 1, "Bankje op de dijk; auto's en scooters."),
]
ARCHIVED_SPOT = "Fietstunnel Kamperweg"

ALIASES = [
    "Pet", "Blauwe jas", "Scooter", "Lange", "Krullen", "Skater", "Rapper", "Stille", "Voetballer",
    "Capuchon", "Bril", "Rode sneakers", "Tas", "Kleine", "Koptelefoon", "BMX", "Lachje", "Groene jas",
    "Vlecht", "Oorbel", "Trainingspak", "Fietser", "Boxer", "Gamer", "Snor",
]
AGE_BANDS = [("≤11", 2), ("12–15", 30), ("16–17", 35), ("18–23", 30), ("24+", 3)]
GENDERS = [("m", 62), ("v", 33), ("x", 2), ("onbekend", 3)]
STAGES = [(1, 30), (2, 28), (3, 20), (4, 10), (5, 5), (None, 7)]
CONTACT_KINDS = [("straatcontact", 60), ("groepsgesprek", 20), ("individueel gesprek", 15), ("telefonisch/online", 5)]
SUBSTANCES = [("cannabis/softdrugs", 40), ("lachgas", 18), ("alcohol", 20), ("xtc", 8), ("cocaïne", 6),
              ("amfetamine", 4), ("GHB", 2), ("anders", 2)]
ATMOSPHERES = [("rustig", 45), ("ontspannen", 30), ("gespannen", 18), ("onrustig", 7)]
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

CONCERN_SOURCES_EARLY = [("vriend/vriendin", 20), ("ouder", 20), ("school", 18), ("politie", 12), ("huisarts", 5),
                         ("jongere zelf", 5), ("eigen waarneming", 12), ("anoniem", 5), ("andere partner", 3)]
CONCERN_SOURCES_LATE = [("vriend/vriendin", 40), ("ouder", 15), ("school", 12), ("politie", 8), ("huisarts", 4),
                        ("jongere zelf", 8), ("eigen waarneming", 8), ("anoniem", 3), ("andere partner", 2)]
WORRY_LEVELS = [("laag", 25), ("midden", 40), ("hoog", 28), ("acuut", 7)]
CONCERN_STATUSES = [*OPEN, "overgedragen", "afgesloten"]
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
# Invented people for the handoffs' identifying details and the reporters (never real persons).
FIRST_NAMES = ["Daan", "Sem", "Milan", "Noah", "Lucas", "Jesse", "Liam", "Finn", "Emma", "Tess", "Sara",
               "Lotte", "Fenna", "Isa", "Jayden", "Mees", "Nina", "Luuk", "Ruben", "Yara"]
LAST_NAMES = ["de Vries", "Jansen", "van Dijk", "Bakker", "Visser", "Smit", "Mulder", "de Boer", "Bos",
              "van den Berg", "Dijkstra", "Kok", "Hendriks", "Brouwer", "Post"]
STREETS = ["Dorpsstraat", "Eperweg", "Zwolseweg", "Molenweg", "Stationsweg", "Kamperweg", "Apeldoornseweg"]
