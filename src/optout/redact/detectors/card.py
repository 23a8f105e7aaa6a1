"""Payment card numbers: 13-19 digits, a plausible issuer prefix and a valid Luhn digit."""

from __future__ import annotations

import re

from stdnum import luhn

from optout.redact.detectors.numbers import MIN_DIGITS, digits_of, might_hold_number
from optout.redact.spans import BaseDetector, Span

_CARD = re.compile(r"(?<![\d\-.,])\d(?:[ \-]?\d){12,18}(?![\d\-]|[.,]\d)")
# issuer prefixes: Visa 4, Mastercard 51-55 and 2221-2720, Amex 34/37, Diners 30/36/38,
# Discover 6011/64/65, JCB 35, Maestro 50/56-69, UnionPay 62
_IIN = re.compile(r"4|5[0-9]|2[2-7]|3[04-8]|6")


def is_card_number(digits: str) -> bool:
    """Whether a digit string is a plausible, Luhn-valid card number."""
    return (
        13 <= len(digits) <= 19
        and _IIN.match(digits) is not None
        and len(set(digits)) > 1
        and luhn.is_valid(digits)
    )


class CardDetector(BaseDetector):
    """Finds card numbers written with or without spaces or dashes."""

    numeric = True
    min_digits = MIN_DIGITS
    labels = frozenset({"card"})

    def might_contain(self, text: str) -> bool:
        return might_hold_number(text)

    def find(self, text: str, region: str | None = None) -> list[Span]:
        return [
            Span(m.start(), m.end(), "card")
            for m in _CARD.finditer(text)
            if is_card_number(digits_of(m.group()))
        ]
