"""IBANs, validated with python-stdnum."""

from __future__ import annotations

import re

from optout.redact.detectors.numbers import MIN_DIGITS, might_hold_number
from optout.redact.spans import BaseDetector, Span
from optout.redact.synthetic import is_iban

_IBAN = re.compile(
    r"(?<![\w])[A-Z]{2}\d\d(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?(?!\w)", re.IGNORECASE
)
_GROUP = re.compile(r" ?[A-Za-z0-9]{1,4}$")


def _longest_valid_prefix(candidate: str) -> str | None:
    """Drop trailing groups (a word that happened to follow) until the checksum holds."""
    while len(candidate.replace(" ", "")) >= 15:
        if is_iban(candidate):
            return candidate
        candidate = _GROUP.sub("", candidate)
    return None


class IbanDetector(BaseDetector):
    """Finds IBANs with or without spaces, any case; only those whose checksum holds."""

    numeric = True
    min_digits = MIN_DIGITS
    labels = frozenset({"iban"})

    def might_contain(self, text: str) -> bool:
        return might_hold_number(text)

    def find(self, text: str, region: str | None = None) -> list[Span]:
        spans = []
        for match in _IBAN.finditer(text):
            valid = _longest_valid_prefix(match.group())
            if valid is not None:
                spans.append(Span(match.start(), match.start() + len(valid), "iban"))
        return spans
