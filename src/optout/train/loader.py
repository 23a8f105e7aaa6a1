"""Feeding a gated dataset to PyTorch and Hugging Face ``datasets`` as Arrow record batches."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import pyarrow as pa
import pyarrow.dataset as ds


def record_batches(
    dataset: ds.Dataset, columns: Sequence[str] | None = None, batch_size: int = 1024
) -> Iterator[pa.RecordBatch]:
    """Stream the dataset's rows as record batches of at most ``batch_size`` rows."""
    yield from dataset.to_batches(columns=list(columns) if columns else None,
                                  batch_size=batch_size)  # fmt: skip


def rows(dataset: ds.Dataset, columns: Sequence[str] | None = None) -> Iterator[dict[str, Any]]:
    """Stream the dataset's rows as dicts (for ``datasets.IterableDataset.from_generator``)."""
    for batch in record_batches(dataset, columns):
        yield from batch.to_pylist()


def torch_iterable(dataset: ds.Dataset, columns: Sequence[str], batch_size: int = 1024) -> Any:
    """A ``torch.utils.data.IterableDataset`` yielding each batch as a dict of Python lists."""
    from torch.utils.data import IterableDataset

    class ArrowBatches(IterableDataset):  # type: ignore[type-arg]
        def __iter__(self) -> Iterator[dict[str, list[Any]]]:
            for batch in record_batches(dataset, columns, batch_size):
                yield batch.to_pydict()

    return ArrowBatches()
