"""The Redactor: finds people and personal data in texts and replaces them with surrogates."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from optout.keys import Pseudonymizer, normalize_name
from optout.redact.detectors import PII_LABELS, build_detectors
from optout.redact.detectors.directory import DirectoryNameDetector, Person, PersonMatch
from optout.redact.detectors.handle import HandleDetector
from optout.redact.detectors.numbers import MIN_DIGITS, digit_count, has_digit_run
from optout.redact.detectors.person_name import PersonNameDetector
from optout.redact.fold import fold
from optout.redact.names import DEFAULT_LANGUAGE, LANGUAGES, PersonSurrogate, choose_surrogate
from optout.redact.people import PeopleDirectory
from optout.redact.spans import Detector, Span, longest_first
from optout.redact.surrogates import StructuredSurrogates
from optout.redact.synthetic import PLACEHOLDER

LABELS = ("person", "handle", *sorted(PII_LABELS))
_NO_KEYS: list[str] = []  # shared by every row without a mention (pyarrow only reads it)


@dataclass(frozen=True)
class RedactionConfig:
    """What to redact: the structured kinds in ``pii``, and how people are replaced."""

    pii: frozenset[str] = PII_LABELS
    pseudonymize_people: bool = True
    platform_urls: tuple[str, ...] = ()
    # names of people who are not in the directory (rule-based, see detectors/person_name.py)
    person_names: bool = True
    # the optional spaCy backend (optout[ner]): None uses it when a pipeline is installed
    ner: bool | None = None

    def __post_init__(self) -> None:
        unknown = set(self.pii) - PII_LABELS
        if unknown:
            raise ValueError(f"unknown pii kinds: {', '.join(sorted(unknown))}")


@dataclass
class RedactedText:
    """One redacted text, what was replaced, and whose keys it mentions."""

    text: str
    counts: dict[str, int] = field(default_factory=dict)
    person_keys: list[str] = field(default_factory=list)
    mentions_objector: bool = False


class Redactor:
    """Redacts texts with one directory and config; picklable (detectors are rebuilt lazily)."""

    def __init__(
        self, directory: PeopleDirectory, config: RedactionConfig, pseudonymizer: Pseudonymizer
    ) -> None:
        self.directory = directory
        self.config = config
        self.pseudonymizer = pseudonymizer
        self._reset()

    def _reset(self) -> None:
        self._names: DirectoryNameDetector | None = None
        self._detectors: list[Detector] = []  # each with its own pre-filter
        self._numeric: list[Detector] = []  # sharing one pre-filter, run once per text
        self._built = False  # whether the detectors above are built
        self._person_finders: list[Any] = []  # person-name detectors beside the directory
        self._surrogates = StructuredSurrogates(self.pseudonymizer)
        self._people: dict[int, PersonSurrogate] = {}
        self._named: dict[tuple[str, str, str], tuple[str, str]] = {}  # label, name, lang

    def forget_surrogates(self) -> None:
        """Drop the memoised surrogates (they are recomputed identically when needed)."""
        self._surrogates = StructuredSurrogates(self.pseudonymizer)
        self._people = {}
        self._named = {}

    def __getstate__(self) -> dict[str, Any]:
        # the automaton travels built: a worker unpickles it several times faster than it
        # would build it again; detectors and memoised surrogates are rebuilt there
        return {"directory": self.directory, "config": self.config,
                "pseudonymizer": self.pseudonymizer, "automaton": self._ready().automaton}

    def __setstate__(self, state: dict[str, Any]) -> None:
        automaton = state.pop("automaton", None)
        self.__dict__.update(state)
        self._reset()
        if automaton is not None:
            self._names = DirectoryNameDetector(self.directory, automaton)

    def _ready(self) -> DirectoryNameDetector:
        if not self._built:
            self._built = True
            detectors = build_detectors(self.config.pii, self.config.platform_urls)
            self._numeric = [d for d in detectors if d.numeric]
            self._detectors = [d for d in detectors if not d.numeric]
            self._person_finders = person_finders(self.config)
        if self._names is None:
            self._names = DirectoryNameDetector(self.directory)
        return self._names

    def redact(self, text: str, lang: str | None = None, region: str | None = None
               ) -> RedactedText:
        """Redact one text written in ``lang`` by a writer living in ``region``."""
        found = self._find(text, region, lang)
        if found is None:
            return RedactedText(text)
        counts: dict[str, int] = {}
        redacted, keys, objector = self._apply(text, found[0], found[1], region, counts, lang)
        return RedactedText(redacted, counts, keys, objector)

    def find_spans(self, text: str, lang: str | None = None, region: str | None = None
                   ) -> list[Span]:
        """Exactly the spans :meth:`redact` replaces in ``text`` (what ``optout eval
        redaction`` scores), sorted; a person's span carries its key, or None for a name
        found outside the directory."""
        found = self._find(text, region, lang)
        if found is None:
            return []
        people, spans = found
        if not spans:
            return [Span(start, end, p.label, p.key) for start, end, p in people]
        return longest_first(spans + [Span(start, end, p.label, p.key) for start, end, p in people])

    def directory_people(self, text: str) -> list[PersonMatch]:
        """Only the directory's people that ``text`` names (accounts and objectors), by start:
        the cheap check for texts that are not published, such as images' alt texts."""
        return self._ready().find_folded(*fold(text))

    def _find(self, text: str, region: str | None, lang: str | None = None
              ) -> tuple[list[PersonMatch], list[Span]] | None:
        """People and structured spans in ``text``, or None when there is nothing. Names
        found outside the directory are ``person`` spans with key None; where one overlaps
        a directory match, the directory wins."""
        people = self._ready().find_folded(*fold(text))
        spans = self._find_structured(text, region)
        for finder in self._person_finders:
            for span in finder.find(text, region, lang):
                if not any(span.start < end and start < span.end for start, end, _ in people):
                    spans.append(span)
        return (people, spans) if people or spans else None

    def _find_structured(self, text: str, region: str | None) -> list[Span]:
        digits = digit_count(text)  # counted once for every detector's ``min_digits``
        spans: list[Span] = []
        for detector in self._detectors:
            if digits >= detector.min_digits and detector.might_contain(text):
                spans += detector.find(text, region)
        if digits >= MIN_DIGITS and self._numeric and has_digit_run(text):
            for detector in self._numeric:
                spans += detector.find(text, region)
        return spans

    def _apply(
        self, text: str, people: list[PersonMatch], spans: list[Span], region: str | None,
        counts: dict[str, int], lang: str | None = None,
    ) -> tuple[str, list[str], bool]:
        """The redacted text, the sorted keys of the people it mentions and whether one of
        them objects; adds what was replaced to ``counts``."""
        keys: list[str] = []
        objector = False
        for _, _, person in people:
            keys += person.keys
            objector = objector or person.objector
        pieces: list[str] = []
        cursor = 0
        if spans:  # people and structured spans may overlap: the longest wins
            by_start = {start: person for start, _, person in people}
            chosen = longest_first(
                spans + [Span(start, end, p.label, p.key) for start, end, p in people]
            )
            for start, end, label, key in chosen:
                if key is None and label in ("person", "handle"):  # outside the directory
                    key, replacement = self._named_person(text[start:end], lang, label)
                    keys.append(key)
                elif key is None:  # only people's spans carry a key
                    replacement = self._surrogates(label, text[start:end], region)
                else:
                    replacement = self._person_replacement(text[start:end], by_start[start])
                pieces.append(text[cursor:start])
                pieces.append(replacement)
                cursor = end
                counts[label] = counts.get(label, 0) + 1
        else:  # people's spans are already sorted and apart
            for start, end, person in people:
                pieces.append(text[cursor:start])
                pieces.append(self._person_replacement(text[start:end], person))
                cursor = end
                counts[person.label] = counts.get(person.label, 0) + 1
        pieces.append(text[cursor:])
        return "".join(pieces), sorted(set(keys)), objector

    def _person_replacement(self, original: str, person: Person) -> str:
        if person.objector or not self.config.pseudonymize_people:
            return PLACEHOLDER
        surrogate = self._people.get(person.chosen) or self.person_surrogate(person.chosen)
        if person.label == "person":
            return surrogate.name
        return ("@" if original.startswith("@") else "") + surrogate.handle

    def _named_person(self, name: str, lang: str | None, label: str = "person"
                      ) -> tuple[str, str]:
        """The key and replacement of a person (or ``@handle``) found outside the directory:
        the key an objection naming them would get (``pseudonymizer.name``), and a surrogate
        name (or handle) of the text's language drawn from that key, as for directory people
        (never a name in the directory or an objection); ``[PERSON]`` when people are not
        pseudonymised."""
        lang = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
        memo = (label, normalize_name(name), lang)
        found = self._named.get(memo)
        if found is None:
            key = self.pseudonymizer.name(name)
            replacement = PLACEHOLDER
            if self.config.pseudonymize_people:
                surrogate = choose_surrogate(
                    self._person_digests(key), lang, self.directory.blocked)
                replacement = surrogate.name if label == "person" else "@" + surrogate.handle
            found = self._named[memo] = (key, replacement)
        return found

    def person_surrogate(self, index: int) -> PersonSurrogate:
        """The consistent surrogate name and handle of directory person ``index``."""
        if index not in self._people:
            key = self.directory.keys[index]
            self._people[index] = choose_surrogate(
                self._person_digests(key), self.directory.langs[index], self.directory.blocked
            )
        return self._people[index]

    def _person_digests(self, key: str) -> Iterator[int]:
        counter = 0
        while True:
            yield int(self.pseudonymizer.key("surrogate-person", f"{key}\0{counter}"), 16)
            counter += 1

    def redact_column(
        self, texts: pa.Array, langs: pa.Array, regions: pa.Array
    ) -> tuple[pa.Array, pa.Array, pa.Array, dict[str, int]]:
        """Redact a column: texts, person_keys (list<string>), mentions_objector, counts."""
        gc_was_enabled = gc.isenabled()
        gc.disable()  # the loop makes no reference cycles; collections only cost time here
        try:
            return self._redact_rows(texts, langs, regions)
        finally:
            if gc_was_enabled:
                gc.enable()

    def _redact_rows(
        self, texts: pa.Array, langs: pa.Array, regions: pa.Array
    ) -> tuple[pa.Array, pa.Array, pa.Array, dict[str, int]]:
        out_texts: list[str | None] = []
        out_keys: list[list[str]] = []
        out_flags: list[bool] = []
        counts: dict[str, int] = {}
        if len(langs) != len(texts):
            raise ValueError("texts and langs differ in length")
        find, apply = self._find, self._apply
        for text, lang, region in zip(_pylist(texts), _pylist(langs), _pylist(regions),
                                      strict=True):
            found = None if text is None else find(text, region, lang)
            if found is None:
                out_texts.append(text)
                out_keys.append(_NO_KEYS)
                out_flags.append(False)
                continue
            redacted, keys, objector = apply(text, found[0], found[1], region, counts, lang)
            out_texts.append(redacted)
            out_keys.append(keys)
            out_flags.append(objector)
        return (
            pa.array(out_texts, type=pa.string()),
            pa.array(out_keys, type=pa.list_(pa.string())),
            pa.array(out_flags, type=pa.bool_()),
            counts,
        )


def person_finders(config: RedactionConfig) -> list[Any]:
    """The person-name detectors beside the directory that ``config`` asks for: the rule-based
    one and every other ``@handle``, and the spaCy backend when ``config.ner`` is True, or
    None and a pipeline is installed (``optout.redact.ner.ner_status`` says for which
    languages)."""
    finders: list[Any] = []
    if config.person_names:
        finders += [PersonNameDetector(), HandleDetector()]
    if config.ner or config.ner is None:
        from optout.redact import ner

        if ner.available():
            finders.append(ner.NerPersonDetector())
        elif config.ner:
            raise ValueError("ner=True but no spaCy pipeline is installed (pip install "
                             "'optout[ner]')")
    return finders


def _pylist(array: pa.Array | pa.ChunkedArray) -> list[Any]:
    return array.to_pylist()
