"""Recognising surrogates: values that are synthetic by construction, never real data."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from functools import lru_cache
from urllib.parse import urlsplit

import phonenumbers
from stdnum import iban, luhn

from optout.redact.idrules import validates_as_any

PLACEHOLDER = "[PERSON]"
SURROGATE_EMAIL_DOMAIN = "surrogate.invalid"
SURROGATE_URL_HOST = "profile.invalid"
IPV4_SURROGATE_NET = ipaddress.ip_network("192.0.2.0/24")
IPV6_SURROGATE_NET = ipaddress.ip_network("2001:db8::/32")

# E.164 prefixes of number blocks that regulators reserve for drama and fiction.
FICTION_PHONE_PREFIXES: dict[str, tuple[str, ...]] = {
    "GB": ("+447700900", "+442079460", "+441134960", "+441614960"),
    "FR": ("+3319900", "+3326191", "+3335301", "+3346571", "+3353649", "+3363998"),
}
_FICTION_ALL = tuple(p for prefixes in FICTION_PHONE_PREFIXES.values() for p in prefixes)
_NON_DIGIT = re.compile(r"\D")


_IBAN_DIGITS = {c: str(i) for i, c in enumerate("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")}
_IBAN_SEPARATORS = str.maketrans("", "", " -.")


def _fails_mod97(value: str) -> bool:
    """Whether the mod-97 checksum certainly fails (False when unsure: odd characters)."""
    number = value.translate(_IBAN_SEPARATORS).strip().upper()
    try:
        digits = "".join([_IBAN_DIGITS[c] for c in number[4:] + number[:4]])
    except KeyError:
        return False
    return not digits or int(digits) % 97 != 1


def is_iban(value: str) -> bool:
    """ISO 13616 format and mod-97 checksum (the per-country BBAN rules are skipped: slow)."""
    if _fails_mod97(value):  # most candidates; stdnum would reject them the same way
        return False
    try:
        iban.validate(value.upper(), check_country=False)
    except Exception:  # any stdnum ValidationError
        return False
    return True


def is_fiction_phone(e164: str) -> bool:
    """Whether an E.164 number lies in a block reserved for fiction."""
    return e164.startswith(_FICTION_ALL)


def _phone_is_surrogate(value: str, region: str | None) -> bool:
    text = value.strip()
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        number = phonenumbers.parse(text, None if text.startswith("+") else region)
    except phonenumbers.NumberParseException:
        return True
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return is_fiction_phone(e164) or not phonenumbers.is_valid_number(number)


def _ip_is_surrogate(value: str) -> bool:
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return False
    net = IPV4_SURROGATE_NET if address.version == 4 else IPV6_SURROGATE_NET
    return address in net


def _url_is_surrogate(value: str) -> bool:
    url = value if "://" in value else "https://" + value
    host = (urlsplit(url).hostname or "").rstrip(".")
    return host == "invalid" or host.endswith(".invalid")


@lru_cache(maxsize=1)
def _name_words() -> frozenset[str]:
    from optout.redact.names import all_list_names

    return all_list_names()


def _person_is_surrogate(value: str) -> bool:
    if value == PLACEHOLDER:
        return True
    words = value.lstrip("@").replace("_", " ").split()
    return bool(words) and all(w.casefold().rstrip("0123456789") in _name_words() for w in words)


def is_surrogate(label: str, value: str, region: str | None = None) -> bool:
    """Whether ``value`` (of a detector's ``label``) is synthetic by construction.

    Structured surrogates are recognised by their reserved range or failing checksum;
    ``example.org`` and other ordinary addresses are real. A person surrogate is recognised
    only as the placeholder or as words from the shipped name lists (so real people who bear
    such names look synthetic to this helper; the directory detector never relies on it).
    """
    if label == "email":
        return value.strip().casefold().endswith("@" + SURROGATE_EMAIL_DOMAIN)
    if label == "ip":
        return _ip_is_surrogate(value)
    if label == "url":
        return _url_is_surrogate(value)
    if label == "phone":
        return _phone_is_surrogate(value, region)
    if label == "iban":
        return not is_iban(value)
    if label == "card":
        digits = _NON_DIGIT.sub("", value)
        return not (13 <= len(digits) <= 19 and luhn.is_valid(digits))
    if label == "national_id":
        return not validates_as_any(value)
    if label in ("person", "handle"):
        return _person_is_surrogate(value)
    quasi = _quasi()
    if label in quasi:
        return quasi[label](value)
    raise ValueError(f"unknown redaction label {label!r}")


@lru_cache(maxsize=1)
def _quasi() -> dict[str, Callable[[str], bool]]:
    """Quasi-identifiers: an invented street, an impossible date, an impossible plate."""
    from optout.redact.detectors.address import is_address_surrogate
    from optout.redact.detectors.birth_date import is_dob_surrogate
    from optout.redact.detectors.plate import is_plate_surrogate

    return {"address": is_address_surrogate, "date_of_birth": is_dob_surrogate,
            "licence_plate": is_plate_surrogate}
