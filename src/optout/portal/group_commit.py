"""Group commit: one writer stores the queued submissions in one transaction per round.

A request that submits an objection validates it, enqueues it here and waits. The writer
(an asyncio task on the server's event loop) takes everything queued (up to
``max_batch``) and, in ONE transaction, records the objections (``submit_objections``:
rows, seqs, audit entries chained in queue order) and their emails (``compose`` → the
outbox), commits (SQLite ``synchronous=FULL``: the WAL is fsynced; PostgreSQL: synchronous
commit), and only then answers each waiting request. One commit, one fsync and one registry
lock serve the whole batch.

The statements run on the event loop itself, as plain callbacks: they take about a
millisecond for a batch, and a writer thread would instead wait for the GIL after every
statement (the sqlite3 module releases it for each one; under load each wait can last the
interpreter's whole switch interval). Only the commit, which waits for the disk, runs on a
thread of its own; requests keep arriving meanwhile and make the next batch, which starts
in the very callback that answers the last one. Where another process (the mail sender)
holds SQLite's write lock, the writer does not wait in SQLite's busy handler, which would
stall the loop for milliseconds: it tries again 1 ms later (16 ms after 20 tries), serving
requests meanwhile; a lock held for 60 s without a break fails the queued submissions, as
SQLite's busy timeout would.

If a batch's transaction fails, nothing of it was stored: each submission is then written
again in a transaction of its own, so one bad submission fails only its own request.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import Any

from optout.registry import Registry
from optout.registry.db import SQLITE_BUSY_TIMEOUT_MS, RegistryBusy
from optout.registry.outbox import NewMail, enqueue_mails
from optout.registry.submissions import Submission, Submitted, submit_objections

log = logging.getLogger("optout.portal")
MAX_BATCH = 512
BUSY_RETRY_S = 0.001  # how soon the writer tries again when another process holds the lock
BUSY_FAST_TRIES = 20  # the mail sender holds the lock for a few ms: retry each ms at first
BUSY_RETRY_MAX_S = 0.016  # then every 16 ms
BUSY_TIMEOUT_S = SQLITE_BUSY_TIMEOUT_MS / 1000  # then the queued submissions fail


@dataclass(slots=True)
class Queued:
    """A submission waiting for its batch, with what its email needs (the page's language,
    and the email composed ahead for the likely outcome, which ``compose`` may use)."""

    submission: Submission
    lang: str
    prepared: Any = None
    future: asyncio.Future[Submitted] | None = field(default=None, repr=False)


# compose([(queued, submitted), ...]) → the emails to queue in the batch's transaction
Composer = Callable[[Sequence[tuple[Queued, Submitted]]], list[NewMail]]


class GroupWriter:
    """The writer: ``await submit_async(...)`` on the event loop, ``submit`` from threads."""

    def __init__(self, registry: Registry, compose: Composer, *, max_batch: int = MAX_BATCH,
                 committed: Callable[[], None] | None = None) -> None:  # fmt: skip
        self.registry = registry
        self.compose = compose
        self.max_batch = max_batch
        self.committed = committed or (lambda: None)
        self.batches = 0  # transactions committed (for tests and the benchmark)
        self._queue: deque[Queued] = deque()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._busy = False  # a batch is being written (its commit may be on the thread)
        self._idle: asyncio.Event | None = None
        self._committer: ThreadPoolExecutor | None = None
        self._busy_since: float | None = None  # when the lock was first found held
        self._busy_tries = 0

    # -- callers ------------------------------------------------------------------------

    async def submit_async(
        self, submission: Submission, lang: str, prepared: Any = None
    ) -> Submitted:
        """Queue and wait until the batch holding it committed; its result (or its error)."""
        loop = asyncio.get_running_loop()
        if self._loop is not loop:
            self.start()
        item = Queued(submission, lang, prepared, loop.create_future())
        self._queue.append(item)
        if not self._busy:  # next round of the loop: what arrives meanwhile joins the batch
            self._busy = True
            loop.call_soon(self._next)
        return await item.future  # type: ignore[misc]

    def submit(self, submission: Submission, lang: str, prepared: Any = None) -> Submitted:
        """``submit_async`` for a thread (a sync route): waits for the commit, blocking."""
        loop = self._loop
        if loop is not None and loop.is_running():
            work = self.submit_async(submission, lang, prepared)
            return asyncio.run_coroutine_threadsafe(work, loop).result()
        import anyio.from_thread  # a worker thread of the server's event loop

        return anyio.from_thread.run(self.submit_async, submission, lang, prepared)

    # -- the writer ---------------------------------------------------------------------

    def start(self) -> None:
        """Serve the running event loop (the server's lifespan calls this)."""
        self._loop = asyncio.get_running_loop()
        self._idle = asyncio.Event()
        self._idle.set()
        self._busy = False
        if self._committer is None:
            self._committer = ThreadPoolExecutor(1, thread_name_prefix="optout-commit")

    async def stop(self) -> None:
        """Wait until everything queued is written (a commit under way is never cut short)."""
        while self._idle is not None and (self._busy or self._queue):
            self._idle.clear()
            if not self._busy:
                self._busy = True
                self._next()
            await self._idle.wait()
        if self._committer is not None:
            self._committer.shutdown(wait=True)
            self._committer = None

    def _next(self) -> None:
        """On the loop: write the queued submissions' statements and hand the commit over."""
        if not self._queue:
            self._busy = False
            if self._idle is not None:
                self._idle.set()
            return
        transaction = ExitStack()
        try:
            session = transaction.enter_context(self.registry.write_session(wait=False))
        except RegistryBusy as exc:  # another process writes: look again soon, serve meanwhile
            transaction.close()
            self._wait_for_lock(exc)
            return
        except Exception as exc:
            transaction.close()
            self._failed(self._take(), exc)
            return
        self._busy_since = None
        batch = self._take()
        try:
            results = submit_objections(session, [item.submission for item in batch])
            mails = self.compose(list(zip(batch, results, strict=True)))
            if mails:
                enqueue_mails(session, mails)
        except Exception as exc:
            transaction.close()  # rolled back: nothing of the batch was stored
            self._failed(batch, exc)
            return
        assert self._committer is not None
        self._committer.submit(self._commit, session, transaction, batch, results)

    def _wait_for_lock(self, busy: RegistryBusy) -> None:
        """Try again soon (every 1 ms for 20 tries, then every 16 ms); after
        ``BUSY_TIMEOUT_S`` of a lock held without a break, the queued submissions fail."""
        now = time.monotonic()
        if self._busy_since is None:
            self._busy_since, self._busy_tries = now, 0
        if now - self._busy_since > BUSY_TIMEOUT_S:
            self._busy_since = None
            self._failed(self._take(), busy, one_by_one=False)
            return
        self._busy_tries += 1
        delay = BUSY_RETRY_S if self._busy_tries <= BUSY_FAST_TRIES else BUSY_RETRY_MAX_S
        assert self._loop is not None
        self._loop.call_later(delay, self._next)

    def _failed(self, batch: list[Queued], error: Exception, *, one_by_one: bool = True) -> None:
        """A batch that could not be written: each submission again on its own (so that only
        a bad one fails), or all failed with ``error``; then the next batch."""
        if one_by_one:
            self._one_by_one(batch, error)
        else:
            log.warning("%d objections not stored: %s", len(batch), type(error).__name__)
            for item in batch:
                _settle(item, error=error)
        self._next()

    def _commit(self, session: Any, transaction: ExitStack, batch: list[Queued],
                results: list[Submitted]) -> None:  # fmt: skip
        """On the commit thread: commit (the fsync), then back to the loop."""
        try:
            session.commit()
            error = None
        except Exception as exc:
            error = exc
        assert self._loop is not None
        self._loop.call_soon_threadsafe(self._committed, transaction, batch, results, error)

    def _committed(self, transaction: ExitStack, batch: list[Queued], results: list[Submitted],
                   error: Exception | None) -> None:  # fmt: skip
        """On the loop: answer the batch's requests, then start the next batch at once."""
        transaction.close()
        if error is not None:
            self._failed(batch, error)
            return
        self.batches += 1
        self.committed()
        for item, result in zip(batch, results, strict=True):
            _settle(item, result=result)
        self._next()

    def _take(self) -> list[Queued]:
        queue, count = self._queue, min(len(self._queue), self.max_batch)
        return [queue.popleft() for _ in range(count)]

    def _one_by_one(self, batch: list[Queued], error: Exception) -> None:
        """After a failed batch: each submission in a transaction of its own (rare: the
        commit runs here on the loop), so that only a bad one fails."""
        if len(batch) == 1:
            log.warning("an objection could not be stored: %s", type(error).__name__)
            _settle(batch[0], error=error)
            return
        log.warning("a batch of %d failed (%s); storing one by one", len(batch),
                    type(error).__name__)  # fmt: skip
        for item in batch:
            try:
                with self.registry.session() as session:
                    [result] = submit_objections(session, [item.submission])
                    mails = self.compose([(item, result)])
                    if mails:
                        enqueue_mails(session, mails)
            except Exception as exc:
                log.warning("an objection could not be stored: %s", type(exc).__name__)
                _settle(item, error=exc)
                continue
            self.batches += 1
            self.committed()
            _settle(item, result=result)


def _settle(item: Queued, *, result: Submitted | None = None,
            error: BaseException | None = None) -> None:  # fmt: skip
    future = item.future
    if future is None or future.done():
        return  # the request went away (client disconnected): its objection is stored anyway
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)  # type: ignore[arg-type]
