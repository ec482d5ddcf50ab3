"""The free-text guard that warns before a name, phone number, e-mail or address is saved."""
import pytest

from outreach.forms import personal_data_in


@pytest.mark.parametrize("text, found", [
    ("Sprak met Daan de Vries bij de halfpipe", ["een naam"]),
    ("Emma Jansen was er ook", ["een naam"]),
    ("bel hem op 06-12345678", ["een telefoonnummer"]),
    ("nummer +31 6 12345678", ["een telefoonnummer"]),
    ("0578 123456", ["een telefoonnummer"]),
    ("mail naar iemand@example.nl", ["een e-mailadres"]),
    ("woont op de Dorpsstraat 12", ["een adres"]),
    ("8181 AB Heerde", ["een adres"]),
    ("Rode pet vroeg naar werk, sfeer goed", []),
    ("Lachgas bij de JOP, ED had een goed gesprek", []),
    ("Drie jongens, 16 en 17 jaar, 2 nieuwe", []),
    ("", []),
    ("bel 06 12 34 56 78", ["een telefoonnummer"]),
    ("06-1234 5678", ["een telefoonnummer"]),
    ("06 123 456 78", ["een telefoonnummer"]),
    ("(0578) 12 34 56", ["een telefoonnummer"]),
    ("Jan Jansen zat erbij", ["een naam"]),
    ("Kees Bakker", ["een naam"]),
    ("Anouk Visser kwam langs", ["een naam"]),
    ("Mohammed El Amrani", ["een naam"]),
    ("ook Lars Smit", ["een naam"]),
    ("postcode 8181ab", ["een adres"]),
    ("Skatebaan Sportpark Heerde, 12 jongens", []),
    ("Rond 2026 en daarna", []),
    ("Tussen 1500 en 2000 euro schuld", []),
    ("Groene Pet en Rode Jas", []),
])
def test_personal_data_in(text, found):
    assert personal_data_in(text) == found
