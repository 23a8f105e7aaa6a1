"""Names and @handles of the directory's people: one Aho-Corasick pass over folded text."""

from __future__ import annotations

from typing import NamedTuple

import ahocorasick

from optout.redact.fold import fold
from optout.redact.people import HANDLE, NAME, PeopleDirectory
from optout.redact.spans import BaseDetector, Span

_JOINERS = "-."  # inside a longer name or handle when followed by a letter or digit


class Person(NamedTuple):
    """What a pattern's match reports (worked out the first time the pattern matches): the
    span's label and key, every directory person its words could name, the keys of those who
    do not object (an objector's mention is ``[PERSON]`` and must stay unlinkable), whether
    any of them objects, and whose surrogate replaces it (the least key's)."""

    length: int
    label: str
    people: tuple[int, ...]
    keys: tuple[str, ...]
    key: str
    objector: bool
    chosen: int


# a match: start and end in the original text, and who it names (plain tuples: the hot path)
PersonMatch = tuple[int, int, Person]


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
        self._entries: dict[int, Person] = {}

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
        return [Span(start, end, person.label, person.key)
                for start, end, person in self.find_folded(folded, offsets)]

    def _entry(self, index: int) -> Person:
        entry = self._entries.get(index)
        if entry is not None:
            return entry
        text, kind, people = self.directory.patterns[index]
        keys = self.directory.keys
        label = "person" if kind == NAME else "handle"
        if len(people) == 1:  # most patterns name one person
            only = people[0]
            key = keys[only]
            objects = self.directory.objector[only]
            entry = Person(len(text), label, people, () if objects else (key,), key, objects,
                           only)
        else:
            objectors = [keys[i] for i in people if self.directory.objector[i]]
            entry = Person(
                len(text), label, people,
                tuple(keys[i] for i in people if not self.directory.objector[i]),
                min(objectors) if objectors else min(keys[i] for i in people),
                bool(objectors), min(people, key=keys.__getitem__),
            )
        self._entries[index] = entry
        return entry

    def find_folded(self, folded: str, offsets: list[int] | None) -> list[PersonMatch]:
        """Matches in text already folded by :func:`fold` (with its offset map), by start."""
        if self._automaton is None:
            return []
        # in " " + folded, a match ending at ``end`` covers folded[end - length:end]
        found = list(self._automaton.iter(" " + folded))
        if not found:
            return []
        if len(found) == 1:  # the common case: nothing to sort or overlap
            end, index = found[0]
            if _continues(folded, end):
                return []
            person = self._entries.get(index) or self._entry(index)
            start = end - person.length
            if offsets is not None:
                start, end = offsets[start], offsets[end]
            return [(start, end, person)]
        return self._resolve(folded, offsets, found)

    def _resolve(
        self, folded: str, offsets: list[int] | None, found: list[tuple[int, int]]
    ) -> list[PersonMatch]:
        matches = []
        known = self._entries.get
        for end, index in found:
            person = known(index) or self._entry(index)
            matches.append((end - person.length, end, person))
        matches.sort(key=lambda m: (m[0] - m[1], m[0]))
        kept: list[PersonMatch] = []
        for start, end, person in matches:
            if _continues(folded, end):
                continue
            if any(start < e and end > s for s, e, _ in kept):
                continue
            kept.append((start, end, person))
        kept.sort(key=lambda m: m[0])
        if offsets is not None:
            kept = [(offsets[start], offsets[end], person) for start, end, person in kept]
        return kept

    def key_of(self, people: tuple[int, ...]) -> str:
        """The key a match carries: an objector's if any of its people objects, else the least."""
        keys = self.directory.keys
        objectors = [keys[i] for i in people if self.directory.objector[i]]
        return min(objectors) if objectors else min(keys[i] for i in people)


__all__ = ["HANDLE", "NAME", "DirectoryNameDetector", "Person", "PersonMatch"]
