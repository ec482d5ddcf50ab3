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
])
def test_personal_data_in(text, found):
    assert personal_data_in(text) == found
