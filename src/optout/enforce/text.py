"""Finding objectors' names and handles, surrogates and structured PII in dataset text."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import cached_property, lru_cache

import pyarrow as pa
import pyarrow.compute as pc

from optout.keys import Pseudonymizer
from optout.redact import PLACEHOLDER, PeopleDirectory, RedactionConfig, Redactor, is_surrogate
from optout.redact.detectors import PII_LABELS, PhoneDetector, build_detectors
from optout.redact.detectors.numbers import MIN_DIGITS, digit_count, has_digit_run
from optout.redact.fold import fold_pattern
from optout.redact.names import LANGUAGES, choose_surrogate

SURROGATE_TRIES = 4  # candidates per language: the build skips those in its directory
_NON_ASCII = r"[^\x00-\x7f]"


def loose_pattern(word: str) -> str:
    """An RE2 pattern that matches ``word`` however it is cased or accented (a superset)."""
    parts = []
    for char in fold_pattern(word):
        if char.isascii() and char.isalnum():
            parts.append(f"(?:{re.escape(char)}|{_NON_ASCII})")
        elif char == " ":
            parts.append(r"\W+")
        else:
            parts.append(re.escape(char))
    return "".join(parts)


class NameFinder:
    """Objectors' own names and handles in text: a vectorised pre-filter, then the
    directory detector (the build's, case- and accent-insensitive, word-bounded)."""

    def __init__(
        self, names: Iterable[str], handles: Iterable[str], pseudonymizer: Pseudonymizer
    ) -> None:
        self.names = sorted(set(names))
        self.handles = sorted({h.lstrip("@") for h in handles})
        self.pseudonymizer = pseudonymizer

    def __bool__(self) -> bool:
        return bool(self.names or self.handles)

    @cached_property
    def _regex(self) -> str:
        words = [max(name.split(), key=len) for name in self.names] + self.handles
        return "|".join(sorted({loose_pattern(w) for w in words}))

    @cached_property
    def _redactor(self) -> Redactor:
        directory = PeopleDirectory.build(
            [], set(), self.names, self.handles, self.pseudonymizer
        )
        # only the objectors' names and handles: not the build's generic name detector
        config = RedactionConfig(pii=frozenset(), person_names=False, ner=False)
        return Redactor(directory, config, self.pseudonymizer)

    def candidates(self, texts: pa.Array | pa.ChunkedArray) -> pa.Array:
        """A boolean mask: rows that might name an objector (never a false negative)."""
        if not self:
            return pa.array([False] * len(texts), pa.bool_())
        found = pc.match_substring_regex(texts, self._regex, ignore_case=True)
        return pc.fill_null(found, False)

    def redact(self, text: str) -> tuple[str, int]:
        """``text`` with every objector name and handle as ``[PERSON]``, and how many."""
        result = self._redactor.redact(text)
        return result.text, sum(result.counts.values())

    def count(self, text: str) -> int:
        return self.redact(text)[1] if self else 0


def surrogate_strings(key: str, pseudonymizer: Pseudonymizer) -> set[str]:
    """Every name and handle the build may have chosen as the surrogate of person ``key``.

    The build picks by the person's country (unknown here) and skips candidates that are in
    its directory, so every language's first few candidates are returned.
    """
    found: set[str] = set()
    for counter in range(SURROGATE_TRIES):
        digest = int(pseudonymizer.key("surrogate-person", f"{key}\0{counter}"), 16)
        for lang in LANGUAGES:
            surrogate = choose_surrogate(iter([digest]), lang, frozenset())
            found |= {surrogate.name, surrogate.handle, f"{surrogate.handle}{digest % 97}"}
    return found


class SurrogateUnlinker:
    """Turns the surrogates of given people into ``[PERSON]`` in rows that mention them."""

    def __init__(self, keys: Iterable[str], pseudonymizer: Pseudonymizer) -> None:
        self._strings: dict[str, tuple[str, ...]] = {}
        self._pseudonymizer = pseudonymizer
        self._keys = set(keys)

    def _surrogates(self, key: str) -> tuple[str, ...]:
        if key not in self._strings:
            found = surrogate_strings(key, self._pseudonymizer)
            self._strings[key] = tuple(sorted(found, key=len, reverse=True))
        return self._strings[key]

    def unlink(self, text: str | None, keys: Iterable[str]) -> str | None:
        """``text`` with the surrogates of those of ``keys`` that are purged replaced."""
        if text is None:
            return None
        for key in sorted(self._keys.intersection(keys)):
            for surrogate in self._surrogates(key):
                if surrogate in text:  # a plain search first: most candidates are absent
                    text = _word_pattern(surrogate).sub(PLACEHOLDER, text)
        return text


@lru_cache(maxsize=4096)
def _word_pattern(surrogate: str) -> re.Pattern[str]:
    """``surrogate`` as a whole word, with the ``@`` of a handle."""
    return re.compile(rf"(?<![\w@])@?{re.escape(surrogate)}(?!\w)")


class PiiScanner:
    """Structured personal data the detectors find, surrogates aside (for ``verify``)."""

    def __init__(self, labels: frozenset[str] = PII_LABELS) -> None:
        """Scan for the kinds in ``labels`` (all by default; a dataset built with a policy
        that keeps some kind, e.g. addresses, passes only when scanned without it).
        """
        # rows carry no writer's region: fixed-line plans are not tried for national numbers
        # (Austria's allows almost any number, the surrogates of other countries' included)
        self._detectors = [
            PhoneDetector(unknown_region_fixed_lines=False) if isinstance(d, PhoneDetector) else d
            for d in build_detectors(labels)
        ]

    def find(self, text: str) -> Iterator[str]:
        """Labels of real-looking personal data in ``text`` (never the values)."""
        digits = digit_count(text)
        numeric = digits >= MIN_DIGITS and has_digit_run(text)
        for detector in self._detectors:
            if digits < detector.min_digits or (detector.numeric and not numeric):
                continue
            if not detector.might_contain(text):
                continue
            for span in detector.find(text, None):
                # detectors never report a surrogate; is_surrogate is a second look, except
                # for phones, where without a region it would take every national number
                # for one (the detector's fallback regions are the real test)
                if span.label == "phone" or not is_surrogate(
                        span.label, text[span.start : span.end]):
                    yield span.label
