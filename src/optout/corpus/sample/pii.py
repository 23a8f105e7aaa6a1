"""Valid-looking personal data for the sample: phones, IBANs, cards, IPs and national IDs."""

from __future__ import annotations

import importlib
import ipaddress
import itertools
import random
import string
from collections.abc import Callable

import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType
from stdnum import iban, luhn
from stdnum.es import ccc, dni
from stdnum.it import codicefiscale
from stdnum.pl import pesel
from stdnum.pt import nif

DIGITS = string.digits
UPPER = string.ascii_uppercase
ALNUM = DIGITS + UPPER

#: ISO country -> stdnum module (relative to ``stdnum``) of the national ID planted for it.
NATIONAL_ID_SCHEMES: dict[str, str] = {
    "AT": "at.vnr",
    "BE": "be.nn",
    "BR": "br.cpf",
    "CH": "ch.ssn",
    "DE": "de.idnr",
    "DK": "dk.cpr",
    "ES": "es.dni",
    "FI": "fi.hetu",
    "FR": "fr.nir",
    "GB": "gb.nhs",
    "IE": "ie.pps",
    "IT": "it.codicefiscale",
    "NL": "nl.bsn",
    "PL": "pl.pesel",
    "PT": "pt.nif",
    "SE": "se.personnummer",
    "US": "us.ssn",
}

#: IBAN country -> BBAN layout (n digit, a upper letter, c alphanumeric), per the IBAN registry.
IBAN_LAYOUTS: dict[str, str] = {
    "AT": "n" * 16,
    "DE": "n" * 18,
    "DK": "n" * 14,
    "ES": "n" * 20,
    "FI": "n" * 14,
    "FR": "n" * 10 + "c" * 11 + "nn",
    "IE": "aaaa" + "n" * 14,
    "IT": "a" + "n" * 10 + "c" * 12,
    "LU": "nnn" + "c" * 13,
    "NL": "aaaa" + "n" * 10,
    "PL": "n" * 24,
    "PT": "n" * 21,
    "SE": "n" * 20,
}

_LAYOUT_ALPHABET = {"n": DIGITS, "a": UPPER, "c": ALNUM}


def _stdnum(scheme: str) -> Callable[[str], bool]:
    return importlib.import_module(f"stdnum.{scheme}").is_valid  # type: ignore[no-any-return]


def _complete(
    before: str, after: str, alphabet: str, width: int, valid: Callable[[str], bool]
) -> str | None:
    """Insert the check characters between ``before`` and ``after`` that make the number valid."""
    for combo in itertools.product(alphabet, repeat=width):
        number = before + "".join(combo) + after
        if valid(number):
            return number
    return None


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(DIGITS) for _ in range(n))


def _birth(rng: random.Random) -> tuple[int, int, int]:
    return rng.randint(1950, 2005), rng.randint(1, 12), rng.randint(1, 28)


def _de_idnr(rng: random.Random) -> str | None:
    digits = rng.sample(DIGITS, 9)
    digits.insert(rng.randrange(1, 10), rng.choice(digits))
    if digits[0] == "0":
        digits[0], digits[1] = digits[1], digits[0]
    return _complete("".join(digits), "", DIGITS, 1, _stdnum("de.idnr"))


def _fr_nir(rng: random.Random) -> str | None:
    year, month, _ = _birth(rng)
    dept = f"{rng.choice([d for d in range(1, 96) if d != 20]):02d}"
    body = f"{rng.choice('12')}{year % 100:02d}{month:02d}{dept}{rng.randint(1, 990):03d}"
    body += f"{rng.randint(1, 999):03d}"
    return _complete(body, "", DIGITS, 2, _stdnum("fr.nir"))


def _be_nn(rng: random.Random) -> str | None:
    year, month, day = _birth(rng)
    if year >= 2000:
        return None
    body = f"{year % 100:02d}{month:02d}{day:02d}{rng.randint(1, 997):03d}"
    return _complete(body, "", DIGITS, 2, _stdnum("be.nn"))


def _at_vnr(rng: random.Random) -> str | None:
    year, month, day = _birth(rng)
    return _complete(
        f"{rng.randint(100, 999)}",
        f"{day:02d}{month:02d}{year % 100:02d}",
        DIGITS,
        1,
        _stdnum("at.vnr"),
    )


def _es_dni(rng: random.Random) -> str | None:
    body = _digits(rng, 8)
    return body + dni.calc_check_digit(body)


_CF_MONTHS = "ABCDEHLMPRST"
_CF_TOWNS = ("H501", "F205", "L219", "A944", "G273", "D612", "F839", "L736")


def _it_codicefiscale(rng: random.Random) -> str | None:
    year, month, day = _birth(rng)
    consonants = "BCDFGLMNPRSTVZ"
    letters = "".join(rng.choice(consonants) for _ in range(6))
    day += rng.choice((0, 40))
    body = f"{letters}{year % 100:02d}{_CF_MONTHS[month - 1]}{day:02d}{rng.choice(_CF_TOWNS)}"
    return body + codicefiscale.calc_check_digit(body)


def _nl_bsn(rng: random.Random) -> str | None:
    return _complete(rng.choice("123456789") + _digits(rng, 7), "", DIGITS, 1, _stdnum("nl.bsn"))


def _pl_pesel(rng: random.Random) -> str | None:
    year, month, day = _birth(rng)
    month_code = month + (20 if year >= 2000 else 0)
    body = f"{year % 100:02d}{month_code:02d}{day:02d}{_digits(rng, 4)}"
    return body + pesel.calc_check_digit(body)


def _pt_nif(rng: random.Random) -> str | None:
    body = rng.choice("12") + _digits(rng, 7)
    return body + nif.calc_check_digit(body)


def _se_personnummer(rng: random.Random) -> str | None:
    year, month, day = _birth(rng)
    before = f"{year % 100:02d}{month:02d}{day:02d}-{_digits(rng, 3)}"
    return _complete(before, "", DIGITS, 1, _stdnum("se.personnummer"))


def _ie_pps(rng: random.Random) -> str | None:
    return _complete(_digits(rng, 7), "", "ABCDEFGHIJKLMNOPQRSTUVW", 1, _stdnum("ie.pps"))


def _dk_cpr(rng: random.Random) -> str | None:
    year, month, day = _birth(rng)
    number = f"{day:02d}{month:02d}{year % 100:02d}-{_digits(rng, 4)}"
    return number if _stdnum("dk.cpr")(number) else None


def _fi_hetu(rng: random.Random) -> str | None:
    year, month, day = _birth(rng)
    sign = "-" if year < 2000 else "A"
    before = f"{day:02d}{month:02d}{year % 100:02d}{sign}{rng.randint(2, 899):03d}"
    return _complete(before, "", "0123456789ABCDEFHJKLMNPRSTUVWXY", 1, _stdnum("fi.hetu"))


def _gb_nhs(rng: random.Random) -> str | None:
    number = _complete(rng.choice("456789") + _digits(rng, 8), "", DIGITS, 1, _stdnum("gb.nhs"))
    return None if number is None else f"{number[:3]} {number[3:6]} {number[6:]}"


def _us_ssn(rng: random.Random) -> str | None:
    number = f"{rng.randint(1, 665):03d}-{rng.randint(1, 99):02d}-{rng.randint(1, 9999):04d}"
    return number if _stdnum("us.ssn")(number) else None


def _ch_ssn(rng: random.Random) -> str | None:
    number = _complete("756" + _digits(rng, 9), "", DIGITS, 1, _stdnum("ch.ssn"))
    return None if number is None else f"{number[:3]}.{number[3:7]}.{number[7:11]}.{number[11:]}"


def _br_cpf(rng: random.Random) -> str | None:
    number = _complete(_digits(rng, 9), "", DIGITS, 2, _stdnum("br.cpf"))
    return None if number is None else f"{number[:3]}.{number[3:6]}.{number[6:9]}-{number[9:]}"


_NATIONAL_ID_MAKERS: dict[str, Callable[[random.Random], str | None]] = {
    "AT": _at_vnr,
    "BE": _be_nn,
    "BR": _br_cpf,
    "CH": _ch_ssn,
    "DE": _de_idnr,
    "DK": _dk_cpr,
    "ES": _es_dni,
    "FI": _fi_hetu,
    "FR": _fr_nir,
    "GB": _gb_nhs,
    "IE": _ie_pps,
    "IT": _it_codicefiscale,
    "NL": _nl_bsn,
    "PL": _pl_pesel,
    "PT": _pt_nif,
    "SE": _se_personnummer,
    "US": _us_ssn,
}


def national_id_pool(rng: random.Random, country: str, size: int) -> list[str]:
    """``size`` national ID numbers that python-stdnum validates for ``country``."""
    make = _NATIONAL_ID_MAKERS[country]
    pool: list[str] = []
    while len(pool) < size:
        number = make(rng)
        if number is not None:
            pool.append(number)
    return pool


def _bban(rng: random.Random, layout: str) -> str:
    return "".join(rng.choice(_LAYOUT_ALPHABET[kind]) for kind in layout)


def make_iban(rng: random.Random, country: str) -> str:
    """A compact IBAN for ``country`` that python-stdnum validates (national checks included)."""
    while True:
        bban = _bban(rng, IBAN_LAYOUTS[country])
        if country == "ES":
            bban = bban[:8] + ccc.calc_check_digits(bban) + bban[10:]
        number = country + iban.calc_check_digits(country + "00" + bban) + bban
        if iban.is_valid(number):
            return number


def format_iban(number: str, grouped: bool) -> str:
    """The IBAN in print form (groups of four) or compact."""
    if not grouped:
        return number
    return " ".join(number[i : i + 4] for i in range(0, len(number), 4))


def make_card(rng: random.Random) -> str:
    """A Luhn-valid card number (Visa, Mastercard or Amex), compact."""
    brand = rng.random()
    if brand < 0.5:
        body = "4" + _digits(rng, 14)
    elif brand < 0.85:
        body = str(rng.randint(51, 55)) + _digits(rng, 13)
    else:
        body = rng.choice(("34", "37")) + _digits(rng, 12)
    return body + luhn.calc_check_digit(body)


def format_card(number: str, separator: str) -> str:
    """The card number grouped like it is printed (4-4-4-4, Amex 4-6-5) or compact."""
    if not separator:
        return number
    if len(number) == 15:
        groups = [number[:4], number[4:10], number[10:]]
    else:
        groups = [number[i : i + 4] for i in range(0, 16, 4)]
    return separator.join(groups)


_DOC_V4 = (
    ipaddress.ip_network("192.0.2.0/24"),
    ipaddress.ip_network("198.51.100.0/24"),
    ipaddress.ip_network("203.0.113.0/24"),
)
_DOC_V6 = ipaddress.ip_network("2001:db8::/32")


def make_ipv4(rng: random.Random) -> str:
    """A global IPv4 address outside the documentation ranges."""
    while True:
        address = ipaddress.IPv4Address(rng.getrandbits(32))
        if address.is_global and not any(address in net for net in _DOC_V4):
            return str(address)


def make_ipv6(rng: random.Random) -> str:
    """A global IPv6 address in RIPE space (2a00::/12), outside 2001:db8::/32."""
    while True:
        value = (0x2A0 << 116) | rng.getrandbits(116)
        if rng.random() < 0.5:
            value = (value >> 64 << 64) | rng.getrandbits(16)
        address = ipaddress.IPv6Address(value)
        if address.is_global and address not in _DOC_V6:
            return address.compressed


_FICTION_PREFIXES = {"GB": ("447700900",), "US": ("1555",)}


def _random_phone(rng: random.Random, region: str) -> phonenumbers.PhoneNumber | None:
    kind = PhoneNumberType.MOBILE if rng.random() < 0.8 else PhoneNumberType.FIXED_LINE
    example = phonenumbers.example_number_for_type(region, kind)
    if example is None:
        return None
    national = str(example.national_number)
    keep = max(2, len(national) - 7)
    candidate = national[:keep] + _digits(rng, len(national) - keep)
    number = phonenumbers.parse(candidate, region)
    if not phonenumbers.is_valid_number_for_region(number, region):
        return None
    e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)[1:]
    if any(e164.startswith(p) for p in _FICTION_PREFIXES.get(region, ())):
        return None
    return number


def _phone_variants(number: phonenumbers.PhoneNumber) -> list[str]:
    e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
    intl = phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)
    national = phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
    variants = [e164, intl, national, intl.replace(" ", "-"), national.replace(" ", "-")]
    head, _, rest = national.partition(" ")
    if rest and national.startswith("0") and "-" not in head and "(" not in national:
        variants.append(f"({head}) {rest}")
    if " " in national and "(" not in national:
        variants.append(national.replace(" ", "."))
    return variants


def phone_pool(rng: random.Random, region: str, size: int) -> list[tuple[str, str]]:
    """``size`` valid phone numbers of ``region`` as (E.164, a written variant) pairs."""
    pool: list[tuple[str, str]] = []
    while len(pool) < size:
        number = _random_phone(rng, region)
        if number is None:
            continue
        e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
        valid = [v for v in _phone_variants(number) if is_valid_phone(v, region)]
        pool.extend((e164, variant) for variant in valid)
    rng.shuffle(pool)
    return pool[:size]


def is_valid_phone(text: str, region: str) -> bool:
    """Whether ``text`` parses as a valid phone number of ``region``."""
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_valid_number_for_region(number, region)
