"""Deterministic, keyed surrogates for structured personal data (interfaces §3)."""

from __future__ import annotations

import ipaddress
import random
import re
from collections.abc import Callable, Iterator
from functools import cache

import phonenumbers
from stdnum import luhn

from optout.keys import Pseudonymizer
from optout.redact.detectors.address import address_surrogate
from optout.redact.detectors.birth_date import dob_surrogate
from optout.redact.detectors.card import CardDetector
from optout.redact.detectors.phone import (
    NO_TRUNK_REGIONS,
    TRUNK_REGIONS,
    parse_phone,
    phone_detected,
    phone_home,
    phone_region,
    plausible_national,
    real_phone_prefix,
)
from optout.redact.detectors.plate import plate_surrogate
from optout.redact.idrules import validates_as_any
from optout.redact.synthetic import (
    FICTION_PHONE_PREFIXES,
    SURROGATE_EMAIL_DOMAIN,
    SURROGATE_URL_HOST,
    is_iban,
)

_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_MAX_TRIES = 200


def keyed_digits(pseudonymizer: Pseudonymizer, label: str, value: str) -> Iterator[int]:
    """An endless stream of keyed pseudo-random integers for ``value``."""
    counter = 0
    while True:
        yield int(pseudonymizer.key(f"surrogate-{label}", f"{value}\0{counter}"), 16)
        counter += 1


def _reshape(value: str, digest: int, keep: int = 0) -> str:
    """Replace digits and letters of ``value`` after the first ``keep`` characters, keeping
    case, separators and length."""
    out = list(value)
    for index in range(keep, len(value)):
        char = value[index]
        if char.isdigit():
            digest, digit = divmod(digest, 10)
            out[index] = str(digit)
        elif char.isascii() and char.isalpha():
            digest, letter = divmod(digest, 26)
            out[index] = _ALPHABET[letter] if char.isupper() else _ALPHABET[letter].lower()
    return "".join(out)


def email_surrogate(value: str, digest: int) -> str:
    return f"user{digest % 10**10:010d}@{SURROGATE_EMAIL_DOMAIN}"


def ip_surrogate(value: str, digest: int) -> str:
    if ":" in value:
        groups = [f"{(digest >> (16 * i)) & 0xFFFF:x}" for i in range(4)]
        return "2001:db8:" + ":".join(groups[:2]) + "::" + ":".join(groups[2:])
    return f"192.0.2.{1 + digest % 254}"


def url_surrogate(value: str, digest: int) -> str:
    return f"https://{SURROGATE_URL_HOST}/u/{digest % 16**10:010x}"


def iban_surrogate(value: str, digests: Iterator[int]) -> str:
    """Same country, length, case and spacing, random BBAN, and check digits that are wrong."""
    positions = [i for i, char in enumerate(value) if char.isalnum()]
    check = positions[2:4]  # the two check digits follow the country code, however spaced
    for digest in digests:
        body = list(_reshape(value, digest, keep=check[1] + 1))
        for digits in range(2, 99):
            body[check[0]], body[check[1]] = f"{digits:02d}"
            candidate = "".join(body)
            if not is_iban(candidate):
                return candidate
    raise AssertionError("unreachable")


def card_surrogate(value: str, digests: Iterator[int]) -> str:
    """Same issuer digit, length and separators; the Luhn check digit is wrong (and the
    digits are no national ID either, e.g. a 15-digit French NIR)."""
    candidate = value
    for _, digest in zip(range(_MAX_TRIES), digests, strict=False):
        body = _reshape(value, digest, keep=1)
        digits = re.sub(r"\D", "", body)
        wrong = (int(luhn.calc_check_digit(digits[:-1])) + 1 + int(digits[-1]) % 9) % 10
        last = max(i for i, c in enumerate(body) if c.isdigit())
        candidate = body[:last] + str(wrong) + body[last + 1:]
        if not validates_as_any(candidate):
            break
    return candidate


def _fiction_phone(prefix: str, digest: int, national: bool) -> str:
    length = 13 if prefix.startswith("+44") else 12
    e164 = prefix + f"{digest:020d}"[: length - len(prefix)]
    number = phonenumbers.parse(e164, None)
    style = phonenumbers.PhoneNumberFormat
    return phonenumbers.format_number(number, style.NATIONAL if national else style.INTERNATIONAL)


_LEAD_SAMPLES = 16  # completions of a national-number start that must all be invalid
_MAX_LEADS = 4
_LEAD_TRIES = 6  # surrogates built on dead leads tried before plain reshapes


@cache
def dead_leads(country_code: int, length: int, also: tuple[int, ...] = ()) -> tuple[str, ...]:
    """Two-digit starts of a ``length``-digit national number of ``country_code`` that its
    numbering plan does not allocate (and that no calling code in ``also`` allocates to
    mobiles): each of a fixed sample of completions is invalid.

    A surrogate built on one is still checked (:func:`phone_surrogate`); the sample only makes
    that first check pass nearly always, instead of after ~18 random tries.
    """
    if length < 4:
        return ()
    rng = random.Random(f"dead-leads/{country_code}/{length}")  # the same on every run
    rest = length - 2
    codes = (country_code, *(code for code in also if code != country_code))
    leads: list[str] = []
    for lead in range(10, 100):
        completions = [f"{lead}{rng.randrange(10**rest):0{rest}d}" for _ in range(_LEAD_SAMPLES)]
        if not any(plausible_national(code, completion, code != country_code)
                   for code in codes for completion in completions):
            leads.append(str(lead))
            if len(leads) == _MAX_LEADS:
                break
    return tuple(leads)


@cache
def _fallback_codes(trunk: bool) -> tuple[int, ...]:
    """The calling codes of the regions the detector tries for a national number."""
    regions = TRUNK_REGIONS if trunk else NO_TRUNK_REGIONS
    return tuple(sorted({phonenumbers.country_code_for_region(r) for r in regions}))


def _unallocated_phone(value: str, number: phonenumbers.PhoneNumber, digest: int) -> str | None:
    """``value`` with its national significant number replaced by keyed digits behind a start
    the numbering plans do not allocate; prefix, separators and length kept. A number in
    national format must be unallocated in every region the detector tries, too."""
    national = phonenumbers.national_significant_number(number)
    positions = [index for index, char in enumerate(value) if char in "0123456789"]
    positions = positions[len(positions) - len(national):]  # the national number ends it
    if len(positions) < len(national) or "".join(value[i] for i in positions) != national:
        return None
    also = () if value.startswith(("+", "00")) else _fallback_codes(
        value.lstrip("(").startswith("0"))
    leads = dead_leads(number.country_code, len(national), also)
    if not leads:
        return None
    digest, pick = divmod(digest, len(leads))
    rest = len(national) - 2
    digits = leads[pick] + f"{digest % 10**rest:0{rest}d}"
    out = list(value)
    for index, digit in zip(positions, digits, strict=True):
        out[index] = digit
    return "".join(out)


_DOTTED_QUAD = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}")


def _phone_found(candidate: str, region: str | None) -> bool:
    """Whether a detector would report ``candidate``: as a phone number, or, written like
    ``116.84.73.29``, as an IPv4 address."""
    if _DOTTED_QUAD.fullmatch(candidate):
        try:
            ipaddress.IPv4Address(candidate)
            return True
        except ValueError:
            pass
    return phone_detected(candidate, region)


def phone_surrogate(value: str, digests: Iterator[int], region: str | None) -> str:
    """A fiction-range number of the same country where one exists, else an invalid one:
    the national number starts with digits the numbering plan does not allocate. Either way
    the detector does not find it, in the writer's region or with none."""
    region = phone_region(region)
    home = phone_home(value, region)
    number = parse_phone(value, home)
    country = phonenumbers.region_code_for_country_code(number.country_code) if number else None
    if country in FICTION_PHONE_PREFIXES:
        prefixes = FICTION_PHONE_PREFIXES[country]
        digest = next(digests)
        national = not value.startswith(("+", "00"))
        candidate = _fiction_phone(prefixes[digest % len(prefixes)], digest // 7, national)
        if not _phone_found(candidate, region):
            return candidate
    if number is not None:
        for _, digest in zip(range(_LEAD_TRIES), digests, strict=False):
            candidate = _unallocated_phone(value, number, digest)
            if candidate is None:
                break
            if not _phone_found(candidate, region):
                return candidate
    if not value.startswith(("+", "00")):
        # no unallocated start in every plan tried (when the writer's region is unknown, a
        # fixed line is looked up in every region): a French number reserved for fiction
        return _fiction_phone(FICTION_PHONE_PREFIXES["FR"][0], next(digests), True)
    keep = len(value) - len(value.lstrip("+0")) + 3
    for _, digest in zip(range(_MAX_TRIES), digests, strict=False):
        candidate = _reshape(value, digest, keep=min(keep, len(value) - 4))
        if not _phone_found(candidate, region):
            return candidate
    return re.sub(r"\d", "0", value)


_CARDS = CardDetector()  # also finds a card in a run of the digit groups


def _uncued() -> bool:
    """An ID is not announced as a phone number: only mobiles with a trunk "0" count."""
    return False


def national_id_surrogate(value: str, digests: Iterator[int]) -> str:
    """Same shape, keyed digits and letters, failing every rule's validation (and not a card
    or phone number either, which another detector would then claim: ``0612345678`` is a
    Dutch mobile number)."""
    for _, digest in zip(range(_MAX_TRIES), digests, strict=False):
        candidate = _reshape(value, digest)
        if (not validates_as_any(candidate) and not _CARDS.find(candidate)
                and real_phone_prefix(candidate, None, _uncued, fixed_lines=False) is None):
            return candidate
    return re.sub(r"\d", "1", value)


class StructuredSurrogates:
    """Makes (and memoises) the surrogate of each structured value, keyed by the secret."""

    def __init__(self, pseudonymizer: Pseudonymizer) -> None:
        self._pseudonymizer = pseudonymizer
        self._memo: dict[tuple[str, str, str | None], str] = {}

    def __call__(self, label: str, value: str, region: str | None = None) -> str:
        memo_key = (label, value, region if label == "phone" else None)
        if memo_key not in self._memo:
            self._memo[memo_key] = self._make(label, value, region)
        return self._memo[memo_key]

    def _make(self, label: str, value: str, region: str | None) -> str:
        normalized = value.replace(" ", "").replace("-", "").casefold()
        digests = keyed_digits(self._pseudonymizer, label, normalized)
        simple: dict[str, Callable[[str, int], str]] = {
            "email": email_surrogate, "ip": ip_surrogate, "url": url_surrogate,
        }
        if label in simple:
            return simple[label](value, next(digests))
        if label == "iban":
            return iban_surrogate(value, digests)
        if label == "card":
            return card_surrogate(value, digests)
        if label == "phone":
            return phone_surrogate(value, digests, region)
        if label == "national_id":
            return national_id_surrogate(value, digests)
        if label == "address":
            return address_surrogate(value, next(digests))
        if label == "date_of_birth":
            return dob_surrogate(value, next(digests))
        if label == "licence_plate":
            return plate_surrogate(value, digests)
        raise ValueError(f"no surrogate for label {label!r}")
