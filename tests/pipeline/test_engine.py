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
    assert [b.num_rows for b in results] == [3, 3, 1, 2]
    assert [v for b in results for v in b.column("n").to_pylist()] == [
        0, 2, 4, 6, 8, 10, 12, 200, 202
    ]
