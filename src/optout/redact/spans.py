"""Spans of personal data in a text, the detector protocol, and overlap resolution."""

from __future__ import annotations

from typing import NamedTuple, Protocol, runtime_checkable


class Span(NamedTuple):
    """A half-open range ``[start, end)`` of the original text holding one ``label``."""

    start: int
    end: int
    label: str
    key: str | None = None


@runtime_checkable
class Detector(Protocol):
    """Finds spans of one or more labels in a text; ``might_contain`` is a cheap pre-filter."""

    labels: frozenset[str]

    def might_contain(self, text: str) -> bool: ...

    def find(self, text: str, region: str | None = None) -> list[Span]: ...


class BaseDetector:
    """Shared defaults: no pre-filter (always look) and the region is ignored."""

    labels: frozenset[str] = frozenset()
    numeric: bool = False  # looks only where a run of digits is (see ``has_digit_run``)
    min_digits: int = 0  # looks only in texts holding at least this many digits

    def might_contain(self, text: str) -> bool:
        return True

    def find(self, text: str, region: str | None = None) -> list[Span]:
        raise NotImplementedError


def longest_first(spans: list[Span]) -> list[Span]:
    """Keep non-overlapping spans, longest first (earlier start breaks ties); sorted by start."""
    if len(spans) < 2:
        return spans
    kept: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start - s.end, s.start)):
        if all(span.end <= k.start or span.start >= k.end for k in kept):
            kept.append(span)
    kept.sort()
    return kept
