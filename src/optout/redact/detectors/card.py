"""Payment card numbers: 13-19 digits, a plausible issuer prefix and a valid Luhn digit."""

from __future__ import annotations

import re

from optout.redact.detectors.numbers import (
    MIN_DIGITS,
    digits_of,
    inside_iban,
    might_hold_number,
)
from optout.redact.spans import BaseDetector, Span

# a number written after "+" is a phone number, never a card
_CARD = re.compile(r"(?<!\+)\d(?<![\d\-.,]\d)(?:[ \-]?\d){12,47}(?![\d\-]|[.,]\d)")
# issuer prefixes: Visa 4, Mastercard 51-55 and 2221-2720, Amex 34/37, Diners 30/36/38,
# Discover 6011/64/65, JCB 35/1800/2131, Maestro 50/56-69, UnionPay 62
_IIN = re.compile(r"4|5[0-9]|2[2-7]|3[04-8]|6|1800|2131")


_DOUBLED = (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)  # digit -> digit sum of twice the digit


def luhn_valid(digits: str) -> bool:
    """The Luhn check of a string of ASCII digits (``stdnum.luhn.is_valid`` without its
    input cleaning; tests compare both)."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        digit = ord(char) - 48
        total += _DOUBLED[digit] if index & 1 else digit
    return total % 10 == 0


def is_card_number(digits: str) -> bool:
    """Whether a digit string is a plausible, Luhn-valid card number."""
    return (
        13 <= len(digits) <= 19
        and _IIN.match(digits) is not None
        and len(set(digits)) > 1
        and luhn_valid(digits)
    )


_GROUP = re.compile(r"\d+")


def _card_within(candidate: str) -> tuple[int, int] | None:
    """The longest run of whole digit groups in ``candidate`` that is a card number (a date
    or count written next to a card must not hide it)."""
    groups = [(m.start(), m.end()) for m in _GROUP.finditer(candidate)]
    lengths = [end - start for start, end in groups]
    for size in range(len(groups), 0, -1):
        for first in range(len(groups) - size + 1):
            if not 13 <= sum(lengths[first:first + size]) <= 19:
                continue  # no card has that many digits
            start, end = groups[first][0], groups[first + size - 1][1]
            if is_card_number(digits_of(candidate[start:end])):
                return start, end
    return None


class CardDetector(BaseDetector):
    """Finds card numbers written with or without spaces or dashes."""

    numeric = True
    min_digits = MIN_DIGITS
    labels = frozenset({"card"})

    def might_contain(self, text: str) -> bool:
        return might_hold_number(text)

    def find(self, text: str, region: str | None = None) -> list[Span]:
        spans = []
        for match in _CARD.finditer(text):
            found = _card_within(match.group())
            if found is None:
                continue
            start, end = match.start() + found[0], match.start() + found[1]
            if not inside_iban(text, start):
                spans.append(Span(start, end, "card"))
        return spans
