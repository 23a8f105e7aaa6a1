"""IbanDetector and CardDetector."""

import pytest

from optout.redact.detectors import CardDetector, IbanDetector


def ibans(text: str) -> list[str]:
    return [text[s.start:s.end] for s in IbanDetector().find(text)]


def cards(text: str) -> list[str]:
    return [text[s.start:s.end] for s in CardDetector().find(text)]


@pytest.mark.parametrize(
    "iban",
    [
        "DE89 3704 0044 0532 0130 00",
        "DE89370400440532013000",
        "de89 3704 0044 0532 0130 00",
        "FR14 2004 1010 0505 0001 3M02 606",
        "ES91 2100 0418 4502 0005 1332",
        "NL91 ABNA 0417 1643 00",
        "IT60 X054 2811 1010 0000 0123 456",
        "GB82 WEST 1234 5698 7654 32",
    ],
)
def test_finds_ibans(iban: str) -> None:
    assert ibans(f"IBAN: {iban} bitte") == [iban]


def test_a_word_after_the_iban_is_not_swallowed() -> None:
    assert ibans("pay DE89 3704 0044 0532 0130 00 asap") == ["DE89 3704 0044 0532 0130 00"]


def test_wrong_checksum_is_not_an_iban() -> None:
    assert ibans("DE88 3704 0044 0532 0130 00") == []


@pytest.mark.parametrize(
    "card",
    ["4111 1111 1111 1111", "4111-1111-1111-1111", "5500005555555559", "378282246310005",
     "6011 0009 9013 9424"],
)
def test_finds_cards(card: str) -> None:
    assert cards(f"card {card}.") == [card]


@pytest.mark.parametrize(
    "text",
    ["order 1234567890123", "4111 1111 1111 1112", "tel 0123456789012", "12.05.2023 100000",
     "1111111111111111"],
)
def test_ignores_numbers_that_are_not_cards(text: str) -> None:
    assert cards(text) == []


def test_quick_mod97_rejection_agrees_with_stdnum() -> None:
    import random

    from stdnum import iban

    from optout.redact.synthetic import is_iban

    rng = random.Random(5)
    valid = ["DE89 3704 0044 0532 0130 00", "fr1420041010050500013m02606", "GB82WEST12345698765432"]
    for value in valid:
        assert is_iban(value)
        for _ in range(300):
            chars = list(value)
            chars[rng.randrange(len(chars))] = rng.choice("0123456789ABCxyz -.ı")
            mutated = "".join(chars)
            assert is_iban(mutated) == iban.is_valid(mutated.upper(), check_country=False)


def test_digits_after_a_plus_are_a_phone_number_not_a_card() -> None:
    """A phone surrogate like +49 1150 8008186 can be Luhn-valid by chance."""
    detector = CardDetector()
    assert detector.find("Erreichbar unter +49 1150 8008186.") == []
    assert len(detector.find("Karte 4111 1111 1111 1111 bitte")) == 1


@pytest.mark.parametrize(
    "text",
    ["Transferência para PT02 6214 5499 7155 8932 6614 3, por favor.",
     "IBAN: DE02 3691 5936 8568 7293 46"],
)  # fmt: skip
def test_digits_inside_an_iban_shape_are_not_a_card(text: str) -> None:
    """Surrogate IBANs fail mod-97, so the card detector must not claim their digits."""
    assert CardDetector().find(text) == []
