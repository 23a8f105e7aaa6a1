"""The shared pre-filter of the number detectors: a run of six digits, maybe separated."""

from __future__ import annotations

import re

_DIGIT_RUN = re.compile(r"\d(?:[ \-./()]{0,2}\d){5}|\d\d[A-Za-z]\d\d[A-Za-z]\d{3}")
_NON_DIGIT = re.compile(r"\D")
_NON_DIGIT_BYTES = bytes(b for b in range(256) if not 0x30 <= b <= 0x39)
MIN_DIGITS = 6


# an IBAN's head (country, check digits, groups) running right up to a position: digits there
# belong to an account number (a surrogate IBAN fails mod-97, so nothing else may claim them)
_IBAN_HEAD = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2}[ \-]?\d\d(?:[ \-]?[A-Za-z0-9])*[ \-]?$")


def inside_iban(text: str, start: int) -> bool:
    """Whether the digits at ``start`` continue an IBAN-shaped run (within 40 characters)."""
    return _IBAN_HEAD.search(text, max(0, start - 40), start) is not None


def digit_count(text: str) -> int:
    """How many ASCII digits ``text`` holds (at C speed: UTF-8 never hides one in a letter)."""
    return len(text.encode("utf-8", "surrogatepass").translate(None, _NON_DIGIT_BYTES))


def has_digit_run(text: str) -> bool:
    """Whether ``text`` holds six digits with at most two separators between neighbours
    (or the digits of an Italian codice fiscale, ``85T10A562``)."""
    return _DIGIT_RUN.search(text) is not None


def might_hold_number(text: str) -> bool:
    """The number detectors' pre-filter: six digits in all, then six close together."""
    return digit_count(text) >= MIN_DIGITS and has_digit_run(text)


def digits_of(value: str) -> str:
    """Only the digits of ``value``."""
    return _NON_DIGIT.sub("", value)
