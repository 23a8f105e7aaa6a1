"""Surrogates fail validation or lie in reserved ranges, and are recognised as surrogates."""

import ipaddress

import phonenumbers
import pytest
from stdnum import iban, luhn

from optout.keys import Pseudonymizer
from optout.redact import is_surrogate
from optout.redact.detectors import (
    CardDetector,
    IbanDetector,
    NationalIdDetector,
    PhoneDetector,
)
from optout.redact.spans import Span
from optout.redact.surrogates import StructuredSurrogates
from optout.redact.synthetic import is_fiction_phone


@pytest.fixture
def make() -> StructuredSurrogates:
    return StructuredSurrogates(Pseudonymizer(b"test-secret"))


def test_email_and_url_surrogates_use_invalid_hosts(make: StructuredSurrogates) -> None:
    assert make("email", "ana@example.org").endswith("@surrogate.invalid")
    assert make("url", "https://x.com/ana").startswith("https://profile.invalid/")
    assert is_surrogate("email", make("email", "ana@example.org"))
    assert not is_surrogate("email", "ana@example.org")


@pytest.mark.parametrize("ip", ["10.1.2.3", "8.8.8.8", "2a00:1450::1"])
def test_ip_surrogates_are_documentation_addresses(make: StructuredSurrogates, ip: str) -> None:
    surrogate = ipaddress.ip_address(make("ip", ip))
    nets = [ipaddress.ip_network("192.0.2.0/24"), ipaddress.ip_network("2001:db8::/32")]
    assert any(surrogate in net for net in nets if net.version == surrogate.version)
    assert is_surrogate("ip", str(surrogate))


@pytest.mark.parametrize("value", ["DE89 3704 0044 0532 0130 00", "fr1420041010050500013m02606"])
def test_iban_surrogates_look_right_but_fail(make: StructuredSurrogates, value: str) -> None:
    surrogate = make("iban", value)
    assert len(surrogate) == len(value) and surrogate[:2] == value[:2]
    assert not iban.is_valid(surrogate)
    assert IbanDetector().find(surrogate) == [] and is_surrogate("iban", surrogate)


def test_card_surrogates_fail_luhn(make: StructuredSurrogates) -> None:
    surrogate = make("card", "4111 1111 1111 1111")
    assert surrogate[0] == "4" and surrogate.count(" ") == 3
    assert not luhn.is_valid(surrogate.replace(" ", ""))
    assert CardDetector().find(surrogate) == [] and is_surrogate("card", surrogate)


@pytest.mark.parametrize(
    ("number", "region", "prefix"),
    [("+44 7911 123456", None, "+44"), ("06 12 34 56 78", "FR", "+33")],
)
def test_phone_surrogates_use_fiction_ranges(make: StructuredSurrogates, number: str,
                                             region: str | None, prefix: str) -> None:
    surrogate = make("phone", number, region)
    parsed = phonenumbers.parse(surrogate, region)
    e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    assert e164.startswith(prefix) and is_fiction_phone(e164)
    assert is_surrogate("phone", surrogate, region)
    assert PhoneDetector().find(surrogate, region) == []


@pytest.mark.parametrize(("number", "region"), [("+49 30 12345678", None), ("0171 1234567", "DE"),
                                                ("612 345 678", "ES"), ("+39 347 123 4567", None)])
def test_other_phone_surrogates_are_invalid(make: StructuredSurrogates, number: str,
                                            region: str | None) -> None:
    surrogate = make("phone", number, region)
    assert len(surrogate) == len(number)
    assert PhoneDetector().find(surrogate, region) == []
    assert is_surrogate("phone", surrogate, region)


@pytest.mark.parametrize(
    ("number", "region"),
    [("+49 1512 5645531", "DE"), ("01512.3776684", "DE"), ("030 1234567", "DE"),
     ("06.18502819", "NL"), ("+31 6 16376834", None), ("516-531-077", "PL"),
     ("+34 615 61 34 26", "ES"), ("227446259", "PT"), ("+351 918 320 464", None),
     ("0663 497396", "AT"), ("+46703423219", "SE"), ("070-123 45 67", "SE"),
     ("0471 12 34 56", "BE"), ("085 144 5612", "IE"), ("021 803 47 18", "CH"),
     ("+39-312-176-6585", "IT"), ("06 1234 5678", "IT"), ("+1-201-559-1923", "US"),
     ("+45 20 12 34 56", None), ("+358 40 1234567", None)],
)
def test_phone_surrogates_are_invalid_by_the_numbering_plan(
    make: StructuredSurrogates, number: str, region: str | None
) -> None:
    """Outside the fiction ranges a surrogate keeps prefix, separators and length, and its
    national number starts with digits the plan does not allocate: invalid for phonenumbers."""
    assert PhoneDetector().find(number, region), "the original must be a phone number"
    surrogate = make("phone", number, region)
    assert len(surrogate) == len(number) and surrogate != number
    assert [c for c in surrogate if not c.isdigit()] == [c for c in number if not c.isdigit()]
    text = "+" + surrogate[2:] if surrogate.startswith("00") else surrogate
    parsed = phonenumbers.parse(text, None if text.startswith("+") else region)
    assert not phonenumbers.is_valid_number(parsed)
    assert is_surrogate("phone", surrogate, region)
    assert PhoneDetector().find(f"Ruf an: {surrogate}, danke", region) == []
    assert make("phone", number, region) == surrogate  # deterministic


def test_dead_leads_are_unallocated() -> None:
    """Every completion tried of a dead start is invalid (a wider sample than the search's)."""
    import random

    from optout.redact.surrogates import dead_leads

    rng = random.Random(3)
    for country_code, length in ((49, 11), (49, 10), (34, 9), (48, 9), (31, 9), (39, 10)):
        leads = dead_leads(country_code, length)
        assert leads
        for lead in leads:
            for _ in range(50):
                national = int(lead + "".join(rng.choice("0123456789") for _ in range(length - 2)))
                number = phonenumbers.PhoneNumber(country_code=country_code,
                                                  national_number=national)
                assert not phonenumbers.is_valid_number(number)


@pytest.mark.parametrize("value", ["12345678Z", "RSSMRA85T10A562S", "811218-9876"])
def test_national_id_surrogates_fail_validation(make: StructuredSurrogates, value: str) -> None:
    surrogate = make("national_id", value)
    assert len(surrogate) == len(value) and surrogate != value
    assert NationalIdDetector().find(surrogate) == [] and is_surrogate("national_id", surrogate)


def test_surrogates_are_deterministic_and_keyed() -> None:
    one = StructuredSurrogates(Pseudonymizer(b"a"))
    assert one("email", "x@y.de") == StructuredSurrogates(Pseudonymizer(b"a"))("email", "x@y.de")
    assert one("email", "x@y.de") != StructuredSurrogates(Pseudonymizer(b"b"))("email", "x@y.de")


def test_national_id_surrogates_are_never_card_numbers() -> None:
    """A 15-digit NIR surrogate must not pass as a card, or verify would flag it."""
    from optout.keys import Pseudonymizer
    from optout.redact.detectors.card import is_card_number
    from optout.redact.detectors.numbers import digits_of
    from optout.redact.surrogates import StructuredSurrogates

    surrogates = StructuredSurrogates(Pseudonymizer(b"k" * 32))
    values = [f"1 85 05 78 006 084 {n:02d}" for n in range(60)]
    assert not any(is_card_number(digits_of(surrogates("national_id", v))) for v in values)


@pytest.mark.parametrize(("number", "region"), [("616.84.73.29", "ES"), ("34.66.73.99", "DK"),
                                                ("612.69.61.11", "ES")])
def test_dotted_phone_surrogates_are_no_ip_addresses(make: StructuredSurrogates, number: str,
                                                     region: str) -> None:
    """A phone number written like an IPv4 address gets a surrogate that is neither."""
    from optout.redact.detectors import IpDetector

    surrogate = make("phone", number, region)
    text = f"Tel: {surrogate}"
    assert IpDetector().find(text, region) == [] and IpDetector().find(text, None) == []
    assert PhoneDetector().find(text, region) == []
    assert PhoneDetector(unknown_region_fixed_lines=False).find(text, None) == []  # verify's


@pytest.mark.parametrize(
    "text",
    [
        "Ich wohne in der Hauptstraße 5, 10115 Berlin. Geboren am 12.05.1985, Auto B-MW 1234.",
        "J'habite au 12 rue de la Paix, 75002 Paris, née le 5 juin 1978, voiture AB-123-CD.",
        "Vivo en Calle Mayor 5, nacido el 12 de mayo de 1985, matrícula 1234 BCD.",
        "Tel: 616.84.73.29, IBAN de89 3704 0044 0532 0130 00, BSN 111222333",
    ],
)
def test_verify_accepts_every_surrogate_and_flags_the_originals(text: str) -> None:
    """What the build writes passes verify's scan; the original text does not."""
    from optout.enforce.text import PiiScanner
    from optout.redact import PeopleDirectory, RedactionConfig, Redactor

    pseudonymizer = Pseudonymizer(b"test-secret")
    directory = PeopleDirectory.build([], set(), [], [], pseudonymizer)
    redactor = Redactor(directory, RedactionConfig(), pseudonymizer)
    scanner = PiiScanner()
    assert list(scanner.find(text))
    redacted = redactor.redact(text, None, "ES" if "616" in text else None).text
    assert list(scanner.find(redacted)) == [], redacted


def test_digits_of_a_surrogate_iban_are_no_phone_number() -> None:
    """A surrogate IBAN fails mod-97, so no IBAN span claims its digits: "0462 7816" inside
    it must not be read as an Irish mobile number (a build once failed verify on it)."""
    from optout.enforce.text import PiiScanner

    assert list(PiiScanner().find("Please transfer to IE02 SYVF 0462 7816 7244 11.")) == []
    assert PhoneDetector().find("Tel: 0462 7816, IE02 SYVF 0462 7816 7244 11", "IE") == [
        Span(5, 14, "phone")]


@pytest.mark.parametrize("secret", [bytes([k]) * 32 for k in range(0, 250, 5)])
def test_no_surrogate_trips_verify(secret: bytes) -> None:
    """Surrogates of national IDs, phones, IBANs and cards are none of those kinds to
    verify's scan, phones and account numbers even after a phone cue (an NIR surrogate once
    held a card in its digit groups). An ID surrogate right after a phone cue ("call me, BSN
    …") may read as a phone number: that check costs too much to make on every ID."""
    from optout.enforce.text import PiiScanner

    scanner = PiiScanner()
    make = StructuredSurrogates(Pseudonymizer(secret))
    values = [("national_id", "BSN ", "111222333"), ("national_id", "PESEL ", "44051401359"),
              ("national_id", "", "2 95 10 99 126 111 93"), ("national_id", "", "211062-5629"),
              ("phone", "", "0171 1234567"), ("phone", "", "612 345 678"),
              ("iban", "", "DE89 3704 0044 0532 0130 00"), ("card", "", "4111 1111 1111 1111")]
    for label, cue, value in values:
        region = {"0171 1234567": "DE", "612 345 678": "ES"}.get(value)
        before = "Mijn " if label == "national_id" else "Tel: "
        assert list(scanner.find(f"{before}{cue}{make(label, value, region)}")) == [], value
