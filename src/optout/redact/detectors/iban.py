"""IBANs, validated with python-stdnum: any case, any spacing between the characters."""

from __future__ import annotations

import re

from optout.redact.spans import BaseDetector, Span
from optout.redact.synthetic import is_iban

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


def _longest_valid_prefix(candidate: str) -> str | None:
    """Drop trailing groups (a word that happened to follow) until the checksum holds."""
    while len(candidate.translate(_SEPARATORS)) >= 15:
        if is_iban(candidate):
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
