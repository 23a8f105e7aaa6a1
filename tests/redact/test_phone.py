"""PhoneDetector: international anywhere, national formats of the writer's region."""

import pytest

from optout.redact.detectors import PhoneDetector


def found(text: str, region: str | None) -> list[str]:
    return [text[s.start:s.end] for s in PhoneDetector().find(text, region)]


@pytest.mark.parametrize(
    ("number", "region"),
    [
        ("+49 30 12345678", None),
        ("0049 171 1234567", None),
        ("+33 6 12 34 56 78", "DE"),
        ("06 12 34 56 78", "FR"),
        ("0171 1234567", "DE"),
        ("030/1234567", "DE"),
        ("612 345 678", "ES"),
        ("06-12345678", "NL"),
        ("+39 347 123 4567", None),
        ("347 123 4567", "IT"),
        ("070-123 45 67", "SE"),
        ("512 345 678", "PL"),
        ("912 345 678", "PT"),
        ("0471 12 34 56", "BE"),
        ("0664 1234567", "AT"),
        ("07911 123456", "UK"),
    ],
)
def test_finds_numbers(number: str, region: str | None) -> None:
    assert found(f"Ruf an: {number}, danke", region) == [number]


@pytest.mark.parametrize(
    ("text", "region", "number"),
    [
        ("call 06 12 34 56 78", None, "06 12 34 56 78"),  # a French mobile, writer unknown
        ("Ruf mich an: 01512 8792643", None, "01512 8792643"),  # German mobile
        ("call me on 06-12345678", "DE", "06-12345678"),  # a Dutch mobile, German writer
        ("Llámame al 611.70.80.54", None, "611.70.80.54"),  # Spanish, no trunk: after a cue
        ("Tel: (022) 54360", None, "(022) 54360"),  # Irish fixed line, area code in brackets
        ("Tél : 06.12.86.01.13", "FR", "06.12.86.01.13"),  # starts like the date 06.12.86
        ("Nås på 070-728.96.86", "SE", "070-728.96.86"),
        ("Reach me on (201)-320-0487", "US", "(201)-320-0487"),
        ("Tel: +33-6-11-42-77-38", None, "+33-6-11-42-77-38"),
    ],
)
def test_finds_numbers_outside_the_writers_region(text: str, region: str | None,
                                                  number: str) -> None:
    assert found(text, region) == [number]


@pytest.mark.parametrize(
    "text",
    [
        "order 611 70 80 54 shipped",  # valid in Spain, but no trunk prefix and no cue
        "Bestellung 030 1234567",  # a German fixed line is looked for only in Germany
        "Termin 14.30-15.30 Uhr",
        "vom 01.02.2025 bis 03.04.2025",
        "ref 2024-03-15 12345",
    ],
)
def test_no_fallback_without_trunk_prefix_or_cue(text: str) -> None:
    assert found(text, None) == []


@pytest.mark.parametrize(
    "text",
    [
        "am 12.05.2023 um 14:30",
        "2024-03-15",
        "it costs 1.299,00 EUR",
        "order 100234",
        "version 1.2.3",
        "in 2025 and 2026",
    ],
)
def test_ignores_dates_prices_and_small_numbers(text: str) -> None:
    assert found(text, "DE") == []


def test_fiction_ranges_are_not_flagged() -> None:
    assert found("ring 07700 900123 or +33 1 99 00 12 34", "GB") == []


def test_fast_validity_equals_phonenumbers() -> None:
    """``is_valid_number`` compiles each region's patterns once; results must not change."""
    import random

    import phonenumbers

    from optout.redact.detectors.phone import is_valid_number

    rng = random.Random(7)
    for country_code in (1, 31, 33, 34, 39, 41, 43, 44, 45, 46, 48, 49, 351, 353, 358, 800):
        for _ in range(400):
            length = rng.randint(5, 13)
            number = phonenumbers.PhoneNumber(
                country_code=country_code,
                national_number=rng.randrange(10 ** (length - 1), 10**length),
                italian_leading_zero=rng.random() < 0.1,
            )
            assert is_valid_number(number) == phonenumbers.is_valid_number(number), number


def test_fast_parse_equals_phonenumbers() -> None:
    """``fast_parse`` gives phonenumbers.parse's result for what the candidate regex takes."""
    import random

    from optout.redact.detectors.phone import _slow_parse, fast_parse

    rng = random.Random(11)
    regions = ["DE", "FR", "NL", "BE", "AT", "CH", "GB", "IE", "SE", "FI", "ES", "IT", "PT",
               "PL", "DK", "NO", "LU", "US", "BR", "CZ", "GR"]
    for _ in range(4000):
        digits = "".join(rng.choice("0123456789") for _ in range(rng.randint(6, 14)))
        spaced = "".join(c + rng.choice(["", "", " ", "-", "."]) for c in digits).strip(" -.")
        candidate = rng.choice(["", "", "0", "+", "00", "(0"]) + spaced
        for region in rng.sample(regions, 3):
            assert fast_parse(candidate, region) == _slow_parse(candidate, region), candidate


def test_fallback_mobiles_equal_a_full_parse() -> None:
    """The pattern-only mobile test of the fallback regions agrees with a full parse."""
    import random

    from optout.redact.detectors import phone

    rng = random.Random(13)
    for _ in range(3000):
        digits = "0" + "".join(rng.choice("0123456789") for _ in range(rng.randint(6, 11)))
        for region in phone.TRUNK_REGIONS + phone.NO_TRUNK_REGIONS:
            number = phone.parse_phone(digits, region)
            full = (number is not None and phone.is_mobile_number(number)
                    and phone.is_real_phone(digits, region))
            assert phone.is_real_mobile(digits, region) == full, (digits, region)
