"""National identification numbers of EU countries, validated with python-stdnum."""

from __future__ import annotations

import re

from optout.redact.detectors.numbers import has_digit_run
from optout.redact.idrules import RULES, IdRule, has_context
from optout.redact.spans import BaseDetector, Span

_LETTER_ID = re.compile(r"[A-Za-z]{6}\d\d[A-Za-z]\d\d[A-Za-z]\d{3}[A-Za-z]")


class NationalIdDetector(BaseDetector):
    """Finds IDs with a distinctive shape and checksum anywhere; bare digit strings
    (BSN, PESEL, Steuer-ID, CPR, NIF, ...) only after a context word such as "BSN"."""

    labels = frozenset({"national_id"})

    def __init__(self, rules: tuple[IdRule, ...] = RULES) -> None:
        self.rules = rules

    def might_contain(self, text: str) -> bool:
        return has_digit_run(text) or _LETTER_ID.search(text) is not None

    def find(self, text: str, region: str | None = None) -> list[Span]:
        lowered = text.lower()
        spans = []
        for rule in self.rules:
            if rule.context and not any(word in lowered for word in rule.context):
                continue
            for match in rule.pattern.finditer(text):
                if rule.context and not has_context(lowered, match.start(), rule.context):
                    continue
                if rule.is_valid(match.group()):
                    spans.append(Span(match.start(), match.end(), "national_id"))
        return spans
