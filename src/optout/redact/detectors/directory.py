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
    keys: tuple[str, ...] = ()  # the keys of ``people``
    objector: bool = False  # whether any of ``people`` objects
    chosen: int = -1  # whose surrogate replaces the mention: the person with the least key


class _Entry(NamedTuple):
    """What a pattern's match reports, worked out the first time the pattern matches."""

    length: int
    label: str
    people: tuple[int, ...]
    keys: tuple[str, ...]
    key: str
    objector: bool
    chosen: int


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

    def __init__(
        self, directory: PeopleDirectory, automaton: ahocorasick.Automaton | None = None
    ) -> None:
        """``automaton``: one built earlier for this directory (see :attr:`automaton`)."""
        self.directory = directory
        self._automaton = automaton if automaton is not None else self._build(directory)
        self._entries: dict[int, _Entry] = {}

    @property
    def automaton(self) -> ahocorasick.Automaton | None:
        """The Aho-Corasick automaton of the directory's patterns (picklable)."""
        return self._automaton

    @staticmethod
    def _build(directory: PeopleDirectory) -> ahocorasick.Automaton | None:
        if not directory.patterns:
            return None
        # values are pattern indices (ints: quicker to build, iterate and pickle than tuples)
        automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS, ahocorasick.KEY_STRING)
        add = automaton.add_word
        for index, pattern in enumerate(directory.patterns):
            # a leading space anchors each pattern at a word start and keeps the root small
            add(" " + pattern.text, index)
        automaton.make_automaton()
        return automaton

    def find(self, text: str, region: str | None = None) -> list[Span]:
        folded, offsets = fold(text)
        return [match.span for match in self.find_folded(folded, offsets)]

    def _entry(self, index: int) -> _Entry:
        entry = self._entries.get(index)
        if entry is None:
            pattern = self.directory.patterns[index]
            keys = self.directory.keys
            people = pattern.people
            objectors = [keys[i] for i in people if self.directory.objector[i]]
            entry = _Entry(
                len(pattern.text), "person" if pattern.kind == NAME else "handle", people,
                tuple(keys[i] for i in people),
                min(objectors) if objectors else min(keys[i] for i in people),
                bool(objectors), min(people, key=keys.__getitem__),
            )
            self._entries[index] = entry
        return entry

    def find_folded(self, folded: str, offsets: list[int] | None) -> list[PersonMatch]:
        """Matches in text already folded by :func:`fold` (with its offset map)."""
        if self._automaton is None:
            return []
        # in " " + folded, a match ending at ``end`` covers folded[end - length:end]
        found = list(self._automaton.iter(" " + folded))
        if not found:
            return []
        entry = self._entries.get
        if len(found) == 1:  # the common case: nothing to sort or overlap
            end, index = found[0]
            match = entry(index) or self._entry(index)
            if _continues(folded, end):
                return []
            return [self._match(end - match.length, end, match, offsets)]
        return self._resolve(folded, offsets, found)

    @staticmethod
    def _match(start: int, end: int, entry: _Entry, offsets: list[int] | None) -> PersonMatch:
        if offsets is not None:
            start, end = offsets[start], offsets[end]
        return PersonMatch(Span(start, end, entry.label, entry.key), entry.people, entry.keys,
                           entry.objector, entry.chosen)

    def _resolve(
        self, folded: str, offsets: list[int] | None, found: list[tuple[int, int]]
    ) -> list[PersonMatch]:
        matches = []
        for end, index in found:
            entry = self._entry(index)
            matches.append((end - entry.length, end, entry))
        matches.sort(key=lambda m: (m[0] - m[1], m[0]))
        kept: list[PersonMatch] = []
        taken: list[tuple[int, int]] = []
        for start, end, entry in matches:
            if _continues(folded, end):
                continue
            if any(start < e and end > s for s, e in taken):
                continue
            taken.append((start, end))
            kept.append(self._match(start, end, entry, offsets))
        kept.sort()
        return kept

    def key_of(self, people: tuple[int, ...]) -> str:
        """The key a match carries: an objector's if any of its people objects, else the least."""
        keys = self.directory.keys
        objectors = [keys[i] for i in people if self.directory.objector[i]]
        return min(objectors) if objectors else min(keys[i] for i in people)


__all__ = ["HANDLE", "NAME", "DirectoryNameDetector", "PersonMatch"]
