"""Names and @handles of the directory's people: one Aho-Corasick pass over folded text."""

from __future__ import annotations

from typing import NamedTuple

import ahocorasick

from optout.redact.fold import fold
from optout.redact.people import HANDLE, NAME, PeopleDirectory
from optout.redact.spans import BaseDetector, Span

_JOINERS = "-."  # inside a longer name or handle when followed by a letter or digit


class PersonMatch(NamedTuple):
    """A span of the original text and every directory person its words could name."""

    span: Span
    people: tuple[int, ...]


def _continues(folded: str, index: int) -> bool:
    """Whether the word goes on at ``index`` (a letter, digit, ``_``, or a joiner before one)."""
    if index >= len(folded):
        return False
    char = folded[index]
    if char.isalnum() or char == "_":
        return True
    return char in _JOINERS and index + 1 < len(folded) and folded[index + 1].isalnum()


class DirectoryNameDetector(BaseDetector):
    """Finds display names (two words or more) and @usernames, case- and accent-insensitively
    and word-bounded; overlapping matches keep the longest."""

    labels = frozenset({"person", "handle"})

    def __init__(self, directory: PeopleDirectory) -> None:
        self.directory = directory
        self._automaton = self._build(directory)

    @staticmethod
    def _build(directory: PeopleDirectory) -> ahocorasick.Automaton | None:
        if not directory.patterns:
            return None
        automaton = ahocorasick.Automaton(ahocorasick.STORE_ANY, ahocorasick.KEY_STRING)
        for pattern in directory.patterns:
            # a leading space anchors each pattern at a word start and keeps the root small
            value = (len(pattern.text), pattern.kind, pattern.people)
            automaton.add_word(" " + pattern.text, value)
        automaton.make_automaton()
        return automaton

    def find(self, text: str, region: str | None = None) -> list[Span]:
        folded, offsets = fold(text)
        return [match.span for match in self.find_folded(folded, offsets)]

    def find_folded(self, folded: str, offsets: list[int] | None) -> list[PersonMatch]:
        """Matches in text already folded by :func:`fold` (with its offset map)."""
        if self._automaton is None:
            return []
        # in " " + folded, a match ending at ``end`` covers folded[end - length:end]
        found = [
            (end - length, end, kind, people)
            for end, (length, kind, people) in self._automaton.iter(" " + folded)
        ]
        if not found:
            return []
        return self._resolve(folded, offsets, found)

    def _resolve(
        self,
        folded: str,
        offsets: list[int] | None,
        found: list[tuple[int, int, int, tuple[int, ...]]],
    ) -> list[PersonMatch]:
        found.sort(key=lambda m: (m[0] - m[1], m[0]))
        kept: list[PersonMatch] = []
        taken: list[tuple[int, int]] = []
        for start, end, kind, people in found:
            if _continues(folded, end):
                continue
            if any(start < e and end > s for s, e in taken):
                continue
            taken.append((start, end))
            label = "person" if kind == NAME else "handle"
            if offsets is not None:
                start, end = offsets[start], offsets[end]
            kept.append(PersonMatch(Span(start, end, label, self.key_of(people)), people))
        kept.sort()
        return kept

    def key_of(self, people: tuple[int, ...]) -> str:
        """The key a match carries: an objector's if any of its people objects, else the least."""
        keys = self.directory.keys
        objectors = [keys[i] for i in people if self.directory.objector[i]]
        return min(objectors) if objectors else min(keys[i] for i in people)


__all__ = ["HANDLE", "NAME", "DirectoryNameDetector", "PersonMatch"]
