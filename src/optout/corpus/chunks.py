"""What a source yields: a block of parsed rows, their row numbers and the rows that failed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa


@dataclass(frozen=True, slots=True)
class FailedRow:
    """A row that could not even be parsed into the table's types, and why."""

    row: int
    problems: list[tuple[str, str]]
    id: str | None = None  # its id, when one could be read (a repeat is still a repeat)


@dataclass
class RawChunk:
    """Rows parsed to the table's raw types, with the row number of each, plus failed rows."""

    table: pa.Table
    rows: np.ndarray
    failed: list[FailedRow] = field(default_factory=list)
    progress: int = 0  # bytes (JSON Lines) or rows (Parquet) of the file consumed so far
    exact: Callable[[], RawChunk] | None = None  # the same rows parsed the exact way, if fast
