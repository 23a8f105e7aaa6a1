"""Email addresses."""

from __future__ import annotations

import re

from optout.redact.spans import BaseDetector, Span
from optout.redact.synthetic import is_surrogate

_LOCAL_EXTRA = "._%+-"
_DOMAIN = re.compile(r"[\w\-]+(?:\.[\w\-]+)*\.[^\W\d_]{2,}(?![\w\-])")  # starts after it
# what every address holds: a local-part character, "@", a domain (so "@handle" alone is not)
_SOME_ADDRESS = re.compile(r"[\w.%+\-]@" + _DOMAIN.pattern)


def _local_part_start(text: str, at: int) -> int:
    """Where the local part ending at the "@" at ``at`` starts (``at`` when there is none)."""
    start = at
    while start > 0 and at - start < 64:
        char = text[start - 1]
        if not (char.isalnum() or char in _LOCAL_EXTRA):
            break
        start -= 1
    return start


def _addresses(text: str) -> list[tuple[int, int]]:
    """Start and end of each address, looked for only around the "@" signs."""
    found = []
    at = text.find("@")
    while at != -1:
        start = _local_part_start(text, at)
        domain = _DOMAIN.match(text, at + 1) if start < at else None
        if domain:
            found.append((start, domain.end()))
        at = text.find("@", at + 1)
    return found


class EmailDetector(BaseDetector):
    """Finds ``local@domain.tld`` (Unicode allowed); surrogates at surrogate.invalid are skipped."""

    labels = frozenset({"email"})

    def might_contain(self, text: str) -> bool:
        return "@" in text and _SOME_ADDRESS.search(text) is not None

    def find(self, text: str, region: str | None = None) -> list[Span]:
        return [
            Span(start, end, "email")
            for start, end in _addresses(text)
            if not is_surrogate("email", text[start:end])
        ]
