"""LicencePlateDetector: strong national formats anywhere, weak ones after a cue."""

import pytest

from optout.keys import Pseudonymizer
from optout.redact import is_surrogate
from optout.redact.detectors import LicencePlateDetector
from optout.redact.surrogates import StructuredSurrogates


def found(text: str) -> list[str]:
    detector = LicencePlateDetector()
    return [text[s.start:s.end] for s in detector.find(text)] if detector.might_contain(
        text) else []


@pytest.mark.parametrize(
    ("text", "plate"),
    [
        ("ma voiture AB-123-CD est garée", "AB-123-CD"),  # FR SIV
        ("mijn auto 12-XJ-34 staat", "12-XJ-34"),  # NL sidecode 3
        ("mijn auto GH-123-X staat", "GH-123-X"),  # NL sidecode 8
        ("mi coche 1234-BCD", "1234-BCD"),  # ES
        ("matrícula 1234 BCD", "1234 BCD"),  # ES with a space: cued
        ("la mia AB123CD", "AB123CD"),  # IT
        ("parkt B-MW 1234 vor", "B-MW 1234"),  # DE
        ("Kennzeichen M AB 1234", "M AB 1234"),  # DE without hyphen: cued
        ("tablica rejestracyjna WA 12345", "WA 12345"),  # PL: cued
        ("la targa è AB 123 CD", "AB 123 CD"),  # IT with spaces: cued
        ("matrícula 2019 BCD", "2019 BCD"),  # ES with a year-like number: cued
    ],
)
def test_finds_plates(text: str, plate: str) -> None:
    assert found(text) == [plate]


@pytest.mark.parametrize(
    "text",
    [
        "I bought a 2024 BMW", "a GeForce 8800 GTS", "ISO 9001 and A4 paper", "the XL 500 GT",
        "EU-UK 2020 deal",
        "numer WA 12345", "M AB 1234", "AB-000-CD", "1234 AEI", "iPhone 12 Pro", "COVID-19",
        "MP-AB 0123", "USB-C 3.1", "PS5 game",
    ],
)
def test_ignores_codes_that_are_no_plates(text: str) -> None:
    assert found(text) == []


@pytest.mark.parametrize("plate", ["AB-123-CD", "12-XJ-34", "1234 BCD", "AB123CD", "B-MW 1234",
                                   "WA 12345", "M AB 1234", "AB 123 CD"])
def test_surrogates_are_invalid_plates(plate: str) -> None:
    make = StructuredSurrogates(Pseudonymizer(b"test-secret"))
    surrogate = make("licence_plate", plate)
    assert len(surrogate) == len(plate) and surrogate != plate
    assert [c for c in surrogate if not c.isalnum()] == [c for c in plate if not c.isalnum()]
    assert is_surrogate("licence_plate", surrogate) and not is_surrogate("licence_plate", plate)
    assert found(f"Kennzeichen {surrogate}") == []
