"""Read ahead: iterate a source in a background thread, a few items in front of the consumer.

The build reads and checks the export's content here while its main thread prepares the
steps and, later, plans, hands out and writes batches. DuckDB's parsing and Arrow's kernels
release the GIL, so reading overlaps with the rest instead of waiting for it.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterable, Iterator
from typing import Generic, TypeVar

T = TypeVar("T")
_POLL_SECONDS = 0.05  # how often a blocked producer looks whether it should stop


class _End:
    """Marks the end of the source (``error`` set when it failed)."""

    def __init__(self, error: BaseException | None = None) -> None:
        self.error = error


class ReadAhead(Generic[T]):
    """Starts consuming ``source`` at once in a thread, holding at most ``depth`` items.

    Iterating yields the items in order and re-raises, at the same point, whatever the
    source raised. ``close`` (also on leaving a ``with`` block) stops the thread and closes
    the source, so its clean-up runs even when the consumer gives up early.
    """

    def __init__(self, source: Iterable[T], depth: int = 2, name: str = "read-ahead") -> None:
        self._items: queue.Queue[T | _End] = queue.Queue(maxsize=depth)
        self._stop = threading.Event()
        self._done = False
        self._thread = threading.Thread(
            target=self._produce, args=(iter(source),), name=name, daemon=True
        )
        self._thread.start()

    def _produce(self, source: Iterator[T]) -> None:
        end = _End()
        try:
            for item in source:
                if not self._offer(item):
                    break
        except BaseException as error:  # handed to the consumer, raised there
            end = _End(error)
        finally:
            try:
                close = getattr(source, "close", None)
                if close is not None:
                    close()
            except BaseException as error:
                end = end if end.error is not None else _End(error)
            self._offer(end)  # always: the consumer waits for it

    def _offer(self, item: T | _End) -> bool:
        """Queue ``item`` unless the consumer stopped; whether it was queued."""
        while not self._stop.is_set():
            try:
                self._items.put(item, timeout=_POLL_SECONDS)
                return True
            except queue.Full:
                continue
        return False

    def __iter__(self) -> Iterator[T]:
        return self

    def __next__(self) -> T:
        if self._done:
            raise StopIteration
        item = self._items.get()
        if isinstance(item, _End):
            self._done = True
            self._thread.join()
            if item.error is not None:
                raise item.error
            raise StopIteration
        return item

    def close(self) -> None:
        """Stop reading ahead and wait for the thread (idempotent)."""
        self._done = True
        self._stop.set()
        self._thread.join()

    def __enter__(self) -> ReadAhead[T]:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
