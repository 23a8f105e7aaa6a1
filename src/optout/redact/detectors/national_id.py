"""National identification numbers of EU countries, validated with python-stdnum."""

from __future__ import annotations

import re

import ahocorasick

from optout.redact.detectors.numbers import MIN_DIGITS, might_hold_number
from optout.redact.idrules import AFTER, BEFORE, ID_CUES, RULES, IdRule, has_context
from optout.redact.spans import BaseDetector, Span

_PHONE_HEAD = re.compile(r"\+[\d \-().]*$")


def in_phone_number(text: str, start: int) -> bool:
    """Whether position ``start`` continues a number written after "+" (a phone number)."""
    return _PHONE_HEAD.search(text, max(0, start - 24), start) is not None


class NationalIdDetector(BaseDetector):
    """Finds IDs with a distinctive shape and checksum anywhere; bare digit strings
    (BSN, PESEL, Steuer-ID, CPR, NIF, ...) only after a context word such as "BSN", "ID
    number" or "for the form" (any scheme's word opens every bare-digit rule)."""

    numeric = True
    min_digits = MIN_DIGITS
    labels = frozenset({"national_id"})

    def __init__(self, rules: tuple[IdRule, ...] = RULES, cues: tuple[str, ...] = ID_CUES
                 ) -> None:
        self.rules = rules
        self.cues = cues
        self._bare = tuple(rule for rule in rules if rule.context)
        self._shaped = tuple(rule for rule in rules if not rule.context)
        shapes = "|".join(f"(?:{rule.shape})" for rule in self._shaped)
        self._any_shape = re.compile(f"{BEFORE}(?:{shapes}){AFTER}", re.IGNORECASE)
        self._context_words = ahocorasick.Automaton()
        for word in cues:
            self._context_words.add_word(word, word)
        self._context_words.make_automaton()

    def might_contain(self, text: str) -> bool:
        return might_hold_number(text)

    def _candidate_rules(self, text: str, lowered: str) -> list[IdRule]:
        rules: list[IdRule] = []
        if self._any_shape.search(text):
            rules += self._shaped
        if next(self._context_words.iter(lowered), None) is not None:
            rules += self._bare
        return rules

    def find(self, text: str, region: str | None = None) -> list[Span]:
        lowered = text.lower()
        spans: dict[tuple[int, int], Span] = {}  # several schemes may accept one number
        for rule in self._candidate_rules(text, lowered):
            for match in rule.pattern.finditer(text):
                where = match.span()
                if where in spans or (
                        rule.context and not has_context(lowered, match.start(), self.cues)):
                    continue
                if rule.is_valid(match.group()) and not in_phone_number(text, match.start()):
                    spans[where] = Span(*where, "national_id")
        return list(spans.values())
