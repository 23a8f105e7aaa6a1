"""@handles of people the directory does not know (another platform's users, non-users)."""

from __future__ import annotations

import re

from optout.redact.spans import BaseDetector, Span

# "@" at a word start, then a letter and 1-29 letters, digits, "_" or inner dots; never the
# "@" of an email address (a word character or a dot before it) nor "@ 5pm"
_HANDLE = re.compile(r"(?<![\w.@])@([^\W\d_](?:[\w]|\.(?=\w)){1,29})(?![\w@])")


class HandleDetector(BaseDetector):
    """Every ``@handle`` in a text (label ``handle``, key None): the Redactor gives each one
    the key an objection naming that handle gets, and a surrogate handle; handles of the
    directory's people are matched by the directory first, and the directory wins."""

    labels = frozenset({"handle"})

    def might_contain(self, text: str) -> bool:
        return "@" in text

    def find(self, text: str, region: str | None = None, lang: str | None = None
             ) -> list[Span]:
        if "@" not in text:
            return []
        return [Span(m.start(), m.end(), "handle") for m in _HANDLE.finditer(text)]
