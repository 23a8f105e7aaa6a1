"""AddressDetector: street-type word, street name and house number, per language."""

import pytest

from optout.keys import Pseudonymizer
from optout.redact import is_surrogate
from optout.redact.detectors import AddressDetector
from optout.redact.detectors.address import FICTIONAL_STREETS, address_language
from optout.redact.surrogates import StructuredSurrogates


def found(text: str) -> list[str]:
    detector = AddressDetector()
    return [text[s.start:s.end] for s in detector.find(text)] if detector.might_contain(
        text) else []


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("Ich wohne in der Hauptstraße 5, 10115 Berlin.", "Hauptstraße 5, 10115 Berlin"),
        ("Besuch mich: Berliner Straße 10a", "Berliner Straße 10a"),
        ("Goethestr. 12 ist mein Büro", "Goethestr. 12"),
        ("Mijn adres: Kerkstraat 12, 1012 AB Amsterdam", "Kerkstraat 12, 1012 AB Amsterdam"),
        ("Jag bor på Drottninggatan 5, 111 51 Stockholm", "Drottninggatan 5, 111 51 Stockholm"),
        ("Vivo en Calle Mayor 5, 28013 Madrid", "Calle Mayor 5, 28013 Madrid"),
        ("Abito in Via Giuseppe Verdi, 3, 20121 Milano", "Via Giuseppe Verdi, 3, 20121 Milano"),
        ("abito in via Roma 12.", "via Roma 12"),
        ("Moro na Rua da Prata, 45, 1100-148 Lisboa", "Rua da Prata, 45, 1100-148 Lisboa"),
        ("Mieszkam przy ul. Długa 5/7, 00-950 Warszawa", "ul. Długa 5/7, 00-950 Warszawa"),
        ("J’habite au 12 rue de la Paix, 75002 Paris", "12 rue de la Paix, 75002 Paris"),
        ("I live at 221B Baker Street, London", "221B Baker Street, London"),
    ],
)
def test_finds_addresses_in_each_language(text: str, address: str) -> None:
    assert found(text) == [address]


@pytest.mark.parametrize(
    "text",
    [
        "Ich gehe heute in die Hauptstraße",  # no house number
        "Der Weg 3 Mal am Tag",  # a type word alone is no street
        "I went via Paris 2 times",  # the preposition
        "Ring 2 hours later", "Platz 1 beim Rennen", "During 1971 we moved",
        "I saw 3 Jurassic Park movies", "We ran 5 km on the road",
        "rue 12", "Straße 5",
    ],
)
def test_ignores_what_is_no_address(text: str) -> None:
    assert found(text) == []


@pytest.mark.parametrize("address", ["Hauptstraße 5, 10115 Berlin", "12 rue de la Paix",
                                     "Calle Mayor 5", "ul. Długa 5/7, 00-950 Warszawa",
                                     "Kerkstraat 12, 1012 AB Amsterdam", "221B Baker Street"])
def test_surrogates_are_invented_streets(address: str) -> None:
    make = StructuredSurrogates(Pseudonymizer(b"test-secret"))
    surrogate = make("address", address)
    lang = address_language(address)
    assert any(street in surrogate for street in FICTIONAL_STREETS[lang])
    assert is_surrogate("address", surrogate) and not is_surrogate("address", address)
    assert found(f"wohne {surrogate} seit Jahren") == []
    assert make("address", address) == surrogate
    tail = surrogate.split(",", 1)[1] if "," in surrogate else ""
    assert not any(ch.isdigit() and ch != "0" for ch in tail)  # the postcode is all zeros
