"""The local engine: batches cut to size, results in input order, inline or in workers."""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from optout.pipeline.engine import LocalEngine
from optout.pipeline.steps import StepResult


@dataclass(frozen=True)
class Double:
    name: str = "double"

    def __call__(self, batch: pa.RecordBatch) -> StepResult:
        return StepResult(batch.set_column(0, "n", pc.multiply(batch.column("n"), 2)))


@pytest.mark.parametrize("workers", [0, 2])
def test_batches_are_cut_and_come_back_in_order(workers: int) -> None:
    batches = [pa.RecordBatch.from_pydict({"n": list(range(7))}),
               pa.RecordBatch.from_pydict({"n": [100, 101]})]  # fmt: skip
    engine = LocalEngine(workers, batch_rows=3)
    results = [r.batch for r in engine.run([Double()], batches)]
    assert [b.num_rows for b in results] == [2, 2, 3, 2]  # about equal pieces
    assert [v for b in results for v in b.column("n").to_pylist()] == [
        0, 2, 4, 6, 8, 10, 12, 200, 202
    ]


@dataclass(frozen=True)
class AddOffset:
    offset: object  # a lambda: it cannot be pickled, so workers must inherit it
    name: str = "add_offset"

    def __call__(self, batch: pa.RecordBatch) -> StepResult:
        return StepResult(batch.set_column(0, "n", pc.add(batch.column("n"), self.offset())))


def test_workers_inherit_the_steps_without_pickling_them() -> None:
    batches = [pa.RecordBatch.from_pydict({"n": [1, 2, 3]})]
    engine = LocalEngine(2, batch_rows=2)
    results = [r.batch for r in engine.run([AddOffset(lambda: 10)], batches)]
    assert [v for b in results for v in b.column("n").to_pylist()] == [11, 12, 13]


def test_fewer_collections_lets_the_collector_rest_and_restores_it() -> None:
    import gc

    from optout.pipeline.engine import fewer_collections

    before, frozen = gc.get_threshold(), gc.get_freeze_count()
    kept = [[i] for i in range(1_000)]  # objects that exist when the block starts
    with fewer_collections(50_000):
        assert gc.get_threshold()[0] == 50_000
        assert gc.get_freeze_count() >= frozen + len(kept)
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0
