"""Parquet source: batches of the table's columns, coerced to its raw types; rows count from 1."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from optout.corpus.chunks import RawChunk
from optout.corpus.schema import RAW_TYPES, STRICT_TYPES, Field, Table
from optout.errors import InputError


def read_chunks(path: Path, table: Table, batch_size: int) -> Iterator[RawChunk]:
    """Stream ``path`` in record batches of at most ``batch_size`` rows."""
    try:
        parquet = pq.ParquetFile(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise InputError(f"{path.name} is not a readable Parquet file: {exc}") from exc
    present = set(parquet.schema_arrow.names)
    specs = [spec for spec in table.fields if spec.name in present]
    for spec in specs:
        _check_type(path, spec, parquet.schema_arrow.field(spec.name).type)
    first_row = 1
    columns = [spec.name for spec in specs]
    for batch in parquet.iter_batches(batch_size=batch_size, columns=columns, use_threads=False):
        raw = pa.table([_coerce(batch.column(spec.name), spec) for spec in specs], names=columns)
        rows = np.arange(first_row, first_row + batch.num_rows, dtype=np.int64)
        first_row += batch.num_rows
        yield RawChunk(raw, rows, progress=first_row - 1)


def row_count(path: Path) -> int:
    """Rows in a Parquet file, from its footer."""
    return pq.ParquetFile(path).metadata.num_rows


def _accepts(spec: Field, dtype: pa.DataType) -> bool:
    if pa.types.is_null(dtype):
        return True
    if pa.types.is_dictionary(dtype):
        dtype = dtype.value_type
    textual = pa.types.is_string(dtype) or pa.types.is_large_string(dtype)
    if spec.kind == "timestamp":
        return textual or (pa.types.is_timestamp(dtype) and dtype.tz is not None)
    if spec.kind == "date":
        return textual or pa.types.is_date(dtype)
    if spec.kind == "rating":
        return pa.types.is_integer(dtype)
    if spec.kind == "bool":
        return pa.types.is_boolean(dtype)
    if spec.kind in ("strings", "media"):
        return _casts(pa.nulls(0, dtype), STRICT_TYPES[spec.kind])
    return textual


def _casts(array: pa.Array, to: pa.DataType) -> bool:
    try:
        array.cast(to)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
        return False
    return True


def _check_type(path: Path, spec: Field, dtype: pa.DataType) -> None:
    if _accepts(spec, dtype):
        return
    hint = " (store it with a time zone: adjusted to UTC)" if pa.types.is_timestamp(dtype) else ""
    raise InputError(
        f"{path.name}: column {spec.name} has type {dtype}, which cannot hold a {spec.kind}{hint}"
    )


def _coerce(array: pa.Array, spec: Field) -> pa.Array:
    """Bring a column to the raw type; native timestamps and dates keep their type."""
    if pa.types.is_dictionary(array.type):
        array = array.dictionary_decode()
    if spec.kind in ("timestamp", "date") and not pa.types.is_null(array.type):
        textual = pa.types.is_string(array.type) or pa.types.is_large_string(array.type)
        return array.cast(pa.string()) if textual else array
    return array.cast(RAW_TYPES[spec.kind], safe=False)
