"""Read-ahead: items in order from a background thread, errors where they happened, clean stops."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from optout.pipeline.readahead import ReadAhead


def test_items_come_in_order_and_reading_starts_before_the_first_is_asked_for() -> None:
    started = threading.Event()

    def source() -> Iterator[int]:
        started.set()
        yield from range(100)

    with ReadAhead(source(), depth=3) as items:
        assert started.wait(5)  # the thread began reading without being asked
        assert list(items) == list(range(100))


def test_an_error_in_the_source_is_raised_after_the_items_before_it() -> None:
    def source() -> Iterator[int]:
        yield 1
        yield 2
        raise ValueError("content.jsonl line 3: bad")

    seen = []
    with ReadAhead(source()) as items, pytest.raises(ValueError, match="line 3"):
        for item in items:
            seen.append(item)
    assert seen == [1, 2]


def test_closing_early_stops_the_thread_and_closes_the_source() -> None:
    closed = threading.Event()

    def source() -> Iterator[int]:
        try:
            yield from range(1_000_000)
        finally:
            closed.set()

    items = ReadAhead(source(), depth=2)
    assert next(items) == 0
    items.close()
    assert closed.is_set()
    assert not items._thread.is_alive()
    with pytest.raises(StopIteration):
        next(items)
