"""Group commit: one writer thread stores the queued submissions in one transaction each round.

A request that submits an objection validates it, enqueues it here and waits. The writer
takes everything queued (up to ``max_batch``), and in ONE transaction records the
objections (``submit_objections``: rows, seqs, audit entries chained in queue order) and
their emails (``compose`` → the outbox), commits (SQLite ``synchronous=FULL``: the WAL is
fsynced; PostgreSQL: synchronous commit), and only then answers each waiting request. One
commit, one fsync and one registry lock serve the whole batch.

If the batch's transaction fails, nothing of it was stored: each submission is then
written again in a transaction of its own, so one bad submission fails only its request.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from optout.registry import Registry
from optout.registry.outbox import NewMail, enqueue_mails
from optout.registry.submissions import Submission, Submitted, submit_objections

log = logging.getLogger("optout.portal")
MAX_BATCH = 512


@dataclass(slots=True)
class Queued:
    """A submission waiting for its batch, with what its email needs (the page's language)."""

    submission: Submission
    lang: str
    result: Submitted | None = None
    error: BaseException | None = None
    _done: threading.Event | None = None
    _future: asyncio.Future[Submitted] | None = None
    _loop: asyncio.AbstractEventLoop | None = field(default=None, repr=False)


# compose([(queued, submitted), ...]) → the emails to queue in the batch's transaction
Composer = Callable[[Sequence[tuple[Queued, Submitted]]], list[NewMail]]


class GroupWriter:
    """The writer thread: ``submit`` (blocking) or ``submit_async`` (awaitable)."""

    def __init__(self, registry: Registry, compose: Composer, *, max_batch: int = MAX_BATCH,
                 committed: Callable[[], None] | None = None) -> None:  # fmt: skip
        self.registry = registry
        self.compose = compose
        self.max_batch = max_batch
        self.committed = committed or (lambda: None)
        self._queue: queue.SimpleQueue[Queued | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()
        self.batches = 0  # rounds committed (for tests and the benchmark)

    # -- callers ------------------------------------------------------------------------

    def submit(self, submission: Submission, lang: str) -> Submitted:
        """Queue and wait until the batch holding it committed; its result (or its error)."""
        item = Queued(submission, lang, _done=threading.Event())
        self._put(item)
        assert item._done is not None
        item._done.wait()
        return _outcome(item)

    async def submit_async(self, submission: Submission, lang: str) -> Submitted:
        """``submit`` for async routes: the event loop serves others while it waits."""
        loop = asyncio.get_running_loop()
        item = Queued(submission, lang, _future=loop.create_future(), _loop=loop)
        self._put(item)
        assert item._future is not None
        return await item._future

    def _put(self, item: Queued) -> None:
        if self._thread is None:
            self.start()
        self._queue.put(item)

    # -- the thread ---------------------------------------------------------------------

    def start(self) -> None:
        with self._start_lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="optout-writer",
                                                daemon=True)  # fmt: skip
                self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        """Write what is queued, then end the thread."""
        with self._start_lock:
            thread, self._thread = self._thread, None
        if thread is not None:
            self._queue.put(None)
            thread.join(timeout)

    def _run(self) -> None:
        while True:
            batch, stopping = self._take()
            if batch:
                self.write(batch)
            if stopping:
                return

    def _take(self) -> tuple[list[Queued], bool]:
        """Wait for one submission, then take whatever else is queued (up to max_batch)."""
        first = self._queue.get()
        if first is None:
            return [], True
        batch = [first]
        while len(batch) < self.max_batch:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            if item is None:
                return batch, True
            batch.append(item)
        return batch, False

    def write(self, batch: list[Queued]) -> None:
        """Store a batch in one transaction and answer its requests; on failure, one by one."""
        try:
            self._store(batch)
        except Exception as exc:
            if len(batch) == 1:
                log.warning("an objection could not be stored: %s", type(exc).__name__)
                batch[0].error = exc
            else:
                log.warning("a batch of %d failed (%s); storing one by one", len(batch),
                            type(exc).__name__)  # fmt: skip
                for item in batch:
                    self.write([item])
                return
        _settle(batch)

    def _store(self, batch: list[Queued]) -> None:
        with self.registry.session() as session:
            results = submit_objections(session, [item.submission for item in batch])
            pairs = list(zip(batch, results, strict=True))
            _queue_mail(session, self.compose(pairs))
        for item, result in pairs:
            item.result = result
        self.batches += 1
        self.committed()


def _queue_mail(session: Session, mails: list[NewMail]) -> None:
    if mails:
        enqueue_mails(session, mails)


def _settle(batch: list[Queued]) -> None:
    """Wake the waiting requests: threads directly, each event loop once for the batch."""
    by_loop: dict[asyncio.AbstractEventLoop, list[Queued]] = {}
    for item in batch:
        if item._loop is not None:
            by_loop.setdefault(item._loop, []).append(item)
        elif item._done is not None:
            item._done.set()
    for loop, items in by_loop.items():
        with suppress(RuntimeError):  # the loop was closed: nobody is waiting any more
            loop.call_soon_threadsafe(_resolve, items)


def _resolve(items: list[Queued]) -> None:
    for item in items:
        future = item._future
        if future is None or future.done():
            continue
        if item.error is not None:
            future.set_exception(item.error)
        else:
            future.set_result(item.result)  # type: ignore[arg-type]


def _outcome(item: Queued) -> Any:
    if item.error is not None:
        raise item.error
    return item.result
