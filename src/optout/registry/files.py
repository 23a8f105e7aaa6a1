"""Reading import files: JSON Lines (line numbers from 1) or Parquet (row numbers from 1)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from optout.errors import InputError, RowError

RecordOrError = tuple[int, dict[str, Any] | None, RowError | None]
Row = TypeVar("Row")
MAX_REPORTED_ERRORS = 1_000
JSON_WHITESPACE = " \t\n\r"  # what ``json.loads`` allows around a value
# ``json.loads`` without its per-call overhead: the C scanner, for lines that are plain UTF-8
# starting with ``{`` (so ``json.loads`` would decode them as UTF-8 and scan from 0 too).
_SCANNER = json.JSONDecoder().scan_once


def read_records(path: Path) -> Iterator[RecordOrError]:
    """Yield ``(row number, record, None)`` or ``(row number, None, error)`` for each row."""
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    if path.suffix == ".parquet":
        yield from _read_parquet(path)
    else:
        yield from _read_jsonl(path)


def read_valid_rows(
    path: Path, parse: Callable[[dict[str, Any]], Row], errors: list[RowError]
) -> Iterator[Row]:
    """Yield parsed rows until the first bad one; then only collect ``errors``.

    ``parse`` raises ``FieldProblem`` (anything with ``field`` and ``reason``) for a bad row.
    """
    from optout.registry.fields import FieldProblem

    for number, record, error in read_records(path):
        if error is None:
            try:
                row = parse(record or {})
            except FieldProblem as problem:
                error = RowError(path.name, number, problem.field, problem.reason)
        if error is not None:
            if len(errors) < MAX_REPORTED_ERRORS:
                errors.append(error)
        elif not errors:
            yield row


def count_rows(path: Path) -> int:
    """How many rows ``path`` holds (cheap: newlines, or the Parquet footer)."""
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        return pq.ParquetFile(path).metadata.num_rows
    with path.open("rb") as handle:
        return sum(block.count(b"\n") for block in iter(lambda: handle.read(1 << 20), b""))


def _read_jsonl(path: Path) -> Iterator[RecordOrError]:
    """Lines that are one UTF-8 JSON object go straight to the C scanner; others the exact way."""
    scan = _SCANNER
    with path.open("rb", buffering=1 << 20) as handle:
        for number, line in enumerate(handle, start=1):
            if line[:1] == b"{":
                try:
                    text = line.decode()
                    record, end = scan(text, 0)
                except Exception:
                    pass
                else:
                    if end == len(text) or not text[end:].strip(JSON_WHITESPACE):
                        yield number, record, None
                        continue
            elif not line.strip():
                continue
            yield _decode_line(path.name, number, line)


def _decode_line(name: str, number: int, line: bytes) -> RecordOrError:
    try:
        record = json.loads(line)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return number, None, RowError(name, number, "-", "not valid UTF-8 JSON")
    if not isinstance(record, dict):
        return number, None, RowError(name, number, "-", "not a JSON object")
    return number, record, None


def _read_parquet(path: Path) -> Iterator[RecordOrError]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
    except (OSError, pa.ArrowException) as exc:
        raise InputError(f"{path}: not a readable Parquet file") from exc
    number = 0
    for batch in parquet.iter_batches(batch_size=10_000):
        for record in batch.to_pylist():
            number += 1
            yield number, record, None
