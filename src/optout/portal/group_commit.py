"""Group commit: one writer stores the queued submissions in one transaction per round.

A request that submits an objection validates it, enqueues it here and waits. The writer
(an asyncio task on the server's event loop) takes everything queued (up to
``max_batch``) and, in ONE transaction, records the objections (``submit_objections``:
rows, seqs, audit entries chained in queue order) and their emails (``compose`` → the
outbox), commits (SQLite ``synchronous=FULL``: the WAL is fsynced; PostgreSQL: synchronous
commit), and only then answers each waiting request. One commit, one fsync and one registry
lock serve the whole batch.

The statements run on the event loop itself: they take well under a millisecond for a
batch, and a writer thread would instead wait for the GIL after every statement (the
sqlite3 module releases it for each one; under load each wait can last the interpreter's
whole switch interval). Only the commit, which waits for the disk, runs on a thread of
its own; requests keep arriving meanwhile and make the next batch.

If a batch's transaction fails, nothing of it was stored: each submission is then written
again in a transaction of its own, so one bad submission fails only its own request.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from optout.registry import Registry
from optout.registry.outbox import NewMail, enqueue_mails
from optout.registry.submissions import Submission, Submitted, submit_objections

log = logging.getLogger("optout.portal")
MAX_BATCH = 512


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
        self._wake: asyncio.Event | None = None
        self._task: asyncio.Task[None] | None = None
        self._committer: ThreadPoolExecutor | None = None
        self._stopping = False

    # -- callers ------------------------------------------------------------------------

    async def submit_async(
        self, submission: Submission, lang: str, prepared: Any = None
    ) -> Submitted:
        """Queue and wait until the batch holding it committed; its result (or its error)."""
        loop = asyncio.get_running_loop()
        if self._loop is not loop or self._task is None or self._task.done():
            self.start()
        assert self._wake is not None
        item = Queued(submission, lang, prepared, loop.create_future())
        self._queue.append(item)
        self._wake.set()
        return await item.future  # type: ignore[misc]

    def submit(self, submission: Submission, lang: str, prepared: Any = None) -> Submitted:
        """``submit_async`` for a thread (a sync route): waits for the commit, blocking."""
        loop = self._loop
        if loop is not None and loop.is_running() and self._task is not None:
            work = self.submit_async(submission, lang, prepared)
            return asyncio.run_coroutine_threadsafe(work, loop).result()
        import anyio.from_thread  # a worker thread of the server's event loop

        return anyio.from_thread.run(self.submit_async, submission, lang, prepared)

    # -- the task -----------------------------------------------------------------------

    def start(self) -> None:
        """Start the writer on the running event loop (the server's lifespan does this)."""
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        self._stopping = False
        if self._committer is None:
            self._committer = ThreadPoolExecutor(1, thread_name_prefix="optout-commit")
        self._task = self._loop.create_task(self._run(), name="optout-writer")
        if self._queue:
            self._wake.set()

    async def stop(self) -> None:
        """Write what is queued, then end the task (never cut short: a commit may be on)."""
        task, self._task = self._task, None
        if task is not None and self._wake is not None:
            self._stopping = True
            self._wake.set()
            await task
        while self._queue:  # queued on another loop, or after the task ended
            await self._write(self._take())
        if self._committer is not None:
            self._committer.shutdown(wait=True)
            self._committer = None

    async def _run(self) -> None:
        assert self._wake is not None
        while True:
            await self._wake.wait()
            self._wake.clear()
            while self._queue:
                await self._write(self._take())
            if self._stopping:
                return

    def _take(self) -> list[Queued]:
        queue, count = self._queue, min(len(self._queue), self.max_batch)
        return [queue.popleft() for _ in range(count)]

    async def _write(self, batch: list[Queued]) -> None:
        """Store a batch in one transaction and answer its requests; on failure, one by one."""
        try:
            results = await self._store(batch)
        except Exception as exc:
            if len(batch) > 1:
                log.warning("a batch of %d failed (%s); storing one by one", len(batch),
                            type(exc).__name__)  # fmt: skip
                for item in batch:
                    await self._write([item])
                return
            log.warning("an objection could not be stored: %s", type(exc).__name__)
            _settle(batch[0], error=exc)
            return
        for item, result in zip(batch, results, strict=True):
            _settle(item, result=result)

    async def _store(self, batch: list[Queued]) -> list[Submitted]:
        """One transaction: statements here on the loop, the commit on the commit thread."""
        loop = asyncio.get_running_loop()
        with self.registry.write_session() as session:
            results = submit_objections(session, [item.submission for item in batch])
            mails = self.compose(list(zip(batch, results, strict=True)))
            if mails:
                enqueue_mails(session, mails)
            await loop.run_in_executor(self._committer, session.commit)
        self.batches += 1
        self.committed()
        return results


def _settle(item: Queued, *, result: Submitted | None = None,
            error: BaseException | None = None) -> None:  # fmt: skip
    future = item.future
    if future is None or future.done():
        return  # the request went away (client disconnected): its objection is stored anyway
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)  # type: ignore[arg-type]

