"""Email addresses."""

from __future__ import annotations

import re

from optout.redact.spans import BaseDetector, Span
from optout.redact.synthetic import is_surrogate

_EMAIL = re.compile(r"(?<![\w.%+\-])[\w.%+\-]++@[\w\-]+(?:\.[\w\-]+)*\.[^\W\d_]{2,}(?![\w\-])")


class EmailDetector(BaseDetector):
    """Finds ``local@domain.tld`` (Unicode allowed); surrogates at surrogate.invalid are skipped."""

    labels = frozenset({"email"})

    def might_contain(self, text: str) -> bool:
        return "@" in text

    def find(self, text: str, region: str | None = None) -> list[Span]:
        return [
            Span(m.start(), m.end(), "email")
            for m in _EMAIL.finditer(text)
            if not is_surrogate("email", m.group())
        ]
