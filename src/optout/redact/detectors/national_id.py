"""National identification numbers of EU countries, validated with python-stdnum."""

from __future__ import annotations

import re

import ahocorasick

from optout.redact.detectors.numbers import MIN_DIGITS, might_hold_number
from optout.redact.idrules import AFTER, BEFORE, CONTEXT_WINDOW, ID_CUES, RULES, IdRule
from optout.redact.spans import BaseDetector, Span

_PHONE_HEAD = re.compile(r"\+[\d \-().]*$")
# the first digit of a group, or the X/Y/Z (and separator) in front of one (Spanish NIE)
_DIGIT_START = re.compile(  # begins with a digit, so the regex engine skips ahead quickly
    r"\d(?<![\w.\-/]\d)|\d(?<=[XYZxyz]\d)|\d(?<=[XYZxyz][- ]\d)")
_NIE_LETTERS = "XYZxyz"
_Rules = tuple[tuple[IdRule, re.Pattern[str]], ...]


def _starts(text: str) -> list[int]:
    """Where an ID may start: the first digit of a group, or the X/Y/Z (and separator) in
    front of one (Spanish NIE); a regex that begins with a digit finds them quickly."""
    starts = []
    for digit in _DIGIT_START.finditer(text):
        start = digit.start()
        if start > 0 and text[start - 1] in _NIE_LETTERS:
            start -= 1
        elif start > 1 and text[start - 2] in _NIE_LETTERS:
            start -= 2
        starts.append(start)
    return starts
_FISCAL_TAIL = re.compile(r"\d\d[A-Za-z]\d\d[A-Za-z]\d{3}[A-Za-z]")  # codice fiscale


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
        self._bare = tuple((rule, rule.pattern) for rule in rules if rule.context)
        self._shaped = tuple((rule, rule.pattern) for rule in rules if not rule.context)
        shapes = "|".join(f"(?:{rule.shape})" for rule, _ in self._shaped)
        self._any_shape = re.compile(f"{BEFORE}(?:{shapes}){AFTER}", re.IGNORECASE)
        self._context_words = ahocorasick.Automaton()
        for word in cues:
            self._context_words.add_word(word, word)
        self._context_words.make_automaton()

    def might_contain(self, text: str) -> bool:
        return might_hold_number(text)

    def find(self, text: str, region: str | None = None) -> list[Span]:
        spans: dict[tuple[int, int], Span] = {}  # several schemes may accept one number
        starts = _starts(text)
        for start in starts:
            if self._any_shape.match(text, start):
                self._try(spans, self._shaped, text, start)
        for tail in _FISCAL_TAIL.finditer(text):
            if tail.start() >= 6 and self._any_shape.match(text, tail.start() - 6):
                self._try(spans, self._shaped, text, tail.start() - 6)
        # (first, last) character of each context word in the text
        cues = [(end - len(word) + 1, end) for end, word in self._context_words.iter(text.lower())]
        if cues:
            for start in starts:
                if any(start - CONTEXT_WINDOW <= first and last < start for first, last in cues):
                    self._try(spans, self._bare, text, start)
        return list(spans.values())

    def _try(self, spans: dict[tuple[int, int], Span], rules: _Rules, text: str,
             start: int) -> None:
        """Every rule whose shape starts at ``start`` and whose checks pass."""
        for rule, pattern in rules:
            match = pattern.match(text, start)
            if match is not None:
                self._add(spans, rule, match, text)

    @staticmethod
    def _add(spans: dict[tuple[int, int], Span], rule: IdRule, match: re.Match[str],
             text: str) -> None:
        where = match.span()
        if (where not in spans and rule.is_valid(match.group())
                and not in_phone_number(text, match.start())):
            spans[where] = Span(*where, "national_id")
