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


def test_fast_luhn_equals_stdnum() -> None:
    import random

    from stdnum import luhn

    from optout.redact.detectors.card import luhn_valid

    rng = random.Random(3)
    for _ in range(20000):
        digits = "".join(rng.choice("0123456789") for _ in range(rng.randint(1, 20)))
        assert luhn_valid(digits) == luhn.is_valid(digits), digits


def test_fast_iban_check_equals_the_surrogate_check() -> None:
    """``valid_iban`` (registry shapes cached per country) decides as ``is_iban`` does."""
    import random

    from stdnum import iban

    from optout.redact.detectors.iban import valid_iban
    from optout.redact.synthetic import is_iban

    rng = random.Random(5)
    for _ in range(5000):
        country = rng.choice(["DE", "FR", "NL", "GB", "LU", "IT", "ES", "XX", "PL", "de", "QA"])
        body = "".join(rng.choice("0123456789ABCDEFabc -") for _ in range(rng.randint(8, 30)))
        compact = (country + "00" + body.replace(" ", "").replace("-", "")).upper()
        check = iban.calc_check_digits(compact) if rng.random() < 0.7 else "12"
        value = country + check + body
        assert valid_iban(value) == is_iban(value), value


@pytest.mark.parametrize("value", ["de89 3704-0044 0532 0130 00", "DE 89 370 400 440 532 013 000",
                                   "LU07002N3LZVNAVWBCW6", "lu28 0019 4006 4475 0000"])
def test_ibans_in_any_case_and_spacing(value: str) -> None:
    from optout.redact.detectors import IbanDetector

    text = f"IBAN: {value}. Danke"
    assert [text[s.start:s.end] for s in IbanDetector().find(text)] == [value]
