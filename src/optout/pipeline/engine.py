"""The local engine: runs a list of steps over record batches on every core of this machine.

Batches go to a pool of worker processes, at most a few in flight at a time so memory stays
flat, and results come back in input order. ``workers=0`` runs everything in this process
(small inputs, debugging).

Workers are forked from this process once the steps exist, so they start with the build's
modules imported and the steps (with the people directory, tens of MB for a large platform)
already in memory, shared copy-on-write: nothing is imported, pickled or rebuilt per worker.
Batches are cut to at most ``batch_rows`` rows, so work starts early and ends evenly.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from itertools import pairwise
from typing import Any

import pyarrow as pa

from optout.pipeline.steps import Step, StepResult, run_steps

_worker_steps: list[Step] = []
GC_THRESHOLD = 100_000


def _init_worker(steps: list[Step]) -> None:
    global _worker_steps
    _worker_steps = steps  # inherited through the fork, not pickled
    collect_rarely()  # for the worker's life: it only runs the steps


def collect_rarely(threshold: int = GC_THRESHOLD) -> tuple[int, ...]:
    """Let the cycle collector run rarely while batches stream: what exists now (in a
    worker, the unpickled steps with the people directory: hundreds of thousands of objects)
    is frozen out of its scans, and the youngest generation is collected every ``threshold``
    allocations instead of 700. The steps make no reference cycles per row; the collector
    only cost time here (~30% of building the people directory). Returns the thresholds it
    replaced."""
    before = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(threshold, *before[1:])
    return before


@contextmanager
def fewer_collections(threshold: int = GC_THRESHOLD) -> Iterator[None]:
    """``collect_rarely`` for the block, undone after it (``gc.unfreeze`` thaws every frozen
    object, so this is for processes that freeze nothing else, such as the CLI's)."""
    before = collect_rarely(threshold)
    try:
        yield
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()


def _run_in_worker(batch: pa.RecordBatch) -> StepResult:
    return run_steps(_worker_steps, batch)


def default_workers() -> int:
    """One worker per available core."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


class LocalEngine:
    """Runs steps over batches in a process pool (or inline when ``workers`` is 0)."""

    BATCH_ROWS = 16_384

    def __init__(
        self, workers: int | None = None, in_flight_per_worker: int = 3,
        batch_rows: int = BATCH_ROWS,
    ) -> None:
        self.workers = default_workers() if workers is None else workers
        self.in_flight = max(1, self.workers * in_flight_per_worker)
        self.batch_rows = batch_rows

    def run(self, steps: list[Step], batches: Iterable[pa.RecordBatch]) -> Iterator[StepResult]:
        """Yield the result of ``steps`` on each batch, in input order."""
        batches = _sliced(batches, self.batch_rows)
        if self.workers == 0:
            for batch in batches:
                yield run_steps(steps, batch)
            return
        with worker_pool(self.workers, _init_worker, (steps,)) as pool:
            pending: deque[Future[StepResult]] = deque()
            for batch in batches:
                pending.append(pool.submit(_run_in_worker, batch))
                if len(pending) >= self.in_flight:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()


def worker_pool(
    workers: int, initializer: Callable[..., None], initargs: tuple[Any, ...]
) -> ProcessPoolExecutor:
    """A pool of ``workers`` processes forked from this one (``initializer(*initargs)`` runs
    in each, on objects inherited, not pickled). Standard streams are flushed first, so no
    child writes out what this process had buffered."""
    sys.stdout.flush()
    sys.stderr.flush()
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("fork"),
        initializer=initializer,
        initargs=initargs,
    )


def _sliced(batches: Iterable[pa.RecordBatch], rows: int) -> Iterator[pa.RecordBatch]:
    """Each batch in the fewest pieces of at most ``rows`` rows, all about as long (zero-copy
    slices)."""
    for batch in batches:
        pieces = -(-batch.num_rows // rows)
        bounds = [batch.num_rows * k // pieces for k in range(pieces + 1)]
        for start, end in pairwise(bounds):
            yield batch.slice(start, end - start)
