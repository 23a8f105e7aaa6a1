"""IBANs, validated with python-stdnum: any case, any spacing between the characters."""

from __future__ import annotations

import re
from functools import cache

from stdnum import iban as stdnum_iban

from optout.redact.spans import BaseDetector, Span

# country code, check digits, then 11-30 letters or digits with at most one space or dash
# between neighbours ("DE89 3704 0044 0532 0130 00", "de89370400440532013000",
# "DE 89 370 400 440 532 013 000", "LU28-0019-4006-4475-0000")
_IBAN = re.compile(
    r"(?<![A-Za-z0-9])[A-Za-z]{2}[ \-]?\d\d(?:[ \-]?[A-Za-z0-9]){11,30}(?![A-Za-z0-9])"
)
# what every IBAN starts with (the pre-filter)
_HEAD = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2}[ \-]?\d\d[ \-]?[A-Za-z0-9]{2}")
_GROUP = re.compile(r"[ \-]*[A-Za-z0-9]+$")
_SEPARATORS = str.maketrans("", "", " -")
MIN_IBAN_DIGITS = 5  # check digits and at least three more (LU: a 3-digit bank code)


_ALNUM_VALUES = {c: str(i) for i, c in enumerate("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")}


@cache
def _bban_shape(country: str) -> re.Pattern[str] | None:
    """The registry's BBAN structure of a country's IBANs (python-stdnum's, compiled once)."""
    info = stdnum_iban._ibandb.info(country)
    structure = info[0][1].get("bban") if info and info[0][0] == country else None
    return stdnum_iban._struct_to_re(structure) if structure else None


def valid_iban(candidate: str) -> bool:
    """``synthetic.is_iban`` (mod-97 checksum and the country's BBAN structure) without
    python-stdnum's per-call registry lookup; tests compare both."""
    number = candidate.translate(_SEPARATORS).upper()
    try:
        digits = "".join([_ALNUM_VALUES[c] for c in number[4:] + number[:4]])
    except KeyError:
        return False
    if len(number) < 5 or int(digits) % 97 != 1 or not number[:2].isalpha():
        return False
    shape = _bban_shape(number[:2])
    return shape is not None and shape.match(number[4:]) is not None


def _longest_valid_prefix(candidate: str) -> str | None:
    """Drop trailing groups (a word that happened to follow) until the checksum holds."""
    while len(candidate.translate(_SEPARATORS)) >= 15:
        if valid_iban(candidate):
            return candidate
        shorter = _GROUP.sub("", candidate)
        if shorter == candidate:
            return None
        candidate = shorter
    return None


class IbanDetector(BaseDetector):
    """Finds IBANs with or without spaces or dashes, any case; only those whose mod-97
    checksum and the registry's BBAN structure for the country hold."""

    min_digits = MIN_IBAN_DIGITS  # an IBAN need not hold a run of six digits (LU, FR, IT)
    labels = frozenset({"iban"})

    def might_contain(self, text: str) -> bool:
        return _HEAD.search(text) is not None

    def find(self, text: str, region: str | None = None) -> list[Span]:
        spans = []
        for match in _IBAN.finditer(text):
            valid = _longest_valid_prefix(match.group())
            if valid is not None:
                spans.append(Span(match.start(), match.start() + len(valid), "iban"))
        return spans
