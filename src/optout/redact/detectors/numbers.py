"""The shared pre-filter of the number detectors: a run of six digits, maybe separated."""

from __future__ import annotations

import re

_DIGIT_RUN = re.compile(r"\d(?:[ \-./()]{0,2}\d){5}")
_NON_DIGIT = re.compile(r"\D")


def has_digit_run(text: str) -> bool:
    """Whether ``text`` holds six digits with at most two separators between neighbours."""
    return _DIGIT_RUN.search(text) is not None


def digits_of(value: str) -> str:
    """Only the digits of ``value``."""
    return _NON_DIGIT.sub("", value)
