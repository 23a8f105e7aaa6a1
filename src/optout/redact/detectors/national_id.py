"""National identification numbers of EU countries, validated with python-stdnum."""

from __future__ import annotations

import re

import ahocorasick

from optout.redact.detectors.numbers import MIN_DIGITS, might_hold_number
from optout.redact.idrules import AFTER, BEFORE, RULES, IdRule, has_context
from optout.redact.spans import BaseDetector, Span

_PHONE_HEAD = re.compile(r"\+[\d \-().]*$")


def in_phone_number(text: str, start: int) -> bool:
    """Whether position ``start`` continues a number written after "+" (a phone number)."""
    return _PHONE_HEAD.search(text, max(0, start - 24), start) is not None


class NationalIdDetector(BaseDetector):
    """Finds IDs with a distinctive shape and checksum anywhere; bare digit strings
    (BSN, PESEL, Steuer-ID, CPR, NIF, ...) only after a context word such as "BSN"."""

    numeric = True
    min_digits = MIN_DIGITS
    labels = frozenset({"national_id"})

    def __init__(self, rules: tuple[IdRule, ...] = RULES) -> None:
        self.rules = rules
        self._shaped = tuple(rule for rule in rules if not rule.context)
        shapes = "|".join(f"(?:{rule.shape})" for rule in self._shaped)
        self._any_shape = re.compile(f"{BEFORE}(?:{shapes}){AFTER}", re.IGNORECASE)
        self._context_words = ahocorasick.Automaton()
        for word in {word for rule in rules for word in rule.context}:
            self._context_words.add_word(word, word)
        self._context_words.make_automaton()

    def might_contain(self, text: str) -> bool:
        return might_hold_number(text)

    def _candidate_rules(self, text: str, lowered: str) -> list[IdRule]:
        rules: list[IdRule] = []
        if self._any_shape.search(text):
            rules += self._shaped
        if next(self._context_words.iter(lowered), None) is not None:
            rules += [r for r in self.rules if r.context and any(w in lowered for w in r.context)]
        return rules

    def find(self, text: str, region: str | None = None) -> list[Span]:
        lowered = text.lower()
        spans = []
        for rule in self._candidate_rules(text, lowered):
            for match in rule.pattern.finditer(text):
                if rule.context and not has_context(lowered, match.start(), rule.context):
                    continue
                if rule.is_valid(match.group()) and not in_phone_number(text, match.start()):
                    spans.append(Span(match.start(), match.end(), "national_id"))
        return spans
