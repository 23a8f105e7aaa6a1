"""Fast path for JSON Lines: DuckDB parses a clean block; anything doubtful goes the exact way."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from optout.corpus.schema import RAW_TYPES, Field, Table
from optout.corpus.validate import json_type_problems, mask_of

# DuckDB converts leniently ("yes" -> true, 4.5 -> 4, 42 -> "42"), so booleans and ratings
# are read as JSON text and checked here; strings are read as text and screened below.
DUCKDB_TYPES = {
    "string": "VARCHAR",
    "enum": "VARCHAR",
    "country": "VARCHAR",
    "timestamp": "VARCHAR",
    "date": "VARCHAR",
    "bool": "JSON",
    "rating": "JSON",
    "strings": "VARCHAR[]",
    "media": "STRUCT(path VARCHAR, alt_text VARCHAR)[]",
}
# A value DuckDB may have made from a JSON number, true/false, object or array.
SUSPECT_FIRST_BYTES = np.frombuffer(b"-0123456789[{", np.uint8)
BOOL_FIRST_BYTES = np.frombuffer(b"tf", np.uint8)
INTEGER = r"^-?[0-9]{1,18}$"
PARSER_MEMORY_LIMIT = "192MB"


class FastParser:
    """Parses blocks of JSON Lines with DuckDB (one thread) into a table's raw schema."""

    def __init__(self, table: Table) -> None:
        self.table = table
        config = {"threads": 1, "memory_limit": PARSER_MEMORY_LIMIT}
        self._con = duckdb.connect(":memory:", config=config)
        handle, name = tempfile.mkstemp(prefix="optout-block-", suffix=".jsonl", dir=_scratch())
        os.close(handle)
        self._path = Path(name)
        columns = ", ".join(f"'{f.name}': '{DUCKDB_TYPES[f.kind]}'" for f in table.fields)
        self._query = (
            "SELECT * FROM read_json(?, format='newline_delimited', "
            f"columns={{{columns}}}, ignore_errors=false)"
        )

    def close(self) -> None:
        self._con.close()
        self._path.unlink(missing_ok=True)

    def parse(self, block: bytes, lines: int) -> pa.Table | None:
        """The block's rows in the raw schema, or None if any line needs the exact path.

        Every line of ``block`` must start with ``{`` (no blank lines), so rows are lines.
        """
        self._path.write_bytes(block)
        try:
            parsed = self._con.sql(self._query, params=[str(self._path)]).to_arrow_table()
        except duckdb.Error:
            return None
        if parsed.num_rows != lines:
            return None
        columns = [
            _raw_column(parsed.column(f.name).combine_chunks(), f) for f in self.table.fields
        ]
        if any(column is None for column in columns):
            return None
        raw = pa.table(columns, schema=self.table.raw_schema)  # type: ignore[arg-type]
        return raw if self._strings_are_strings(raw, block) else None

    def _strings_are_strings(self, raw: pa.Table, block: bytes) -> bool:
        """Lines whose text values might have been JSON non-strings are parsed by ``json``."""
        suspects = np.zeros(raw.num_rows, dtype=bool)
        for spec in self.table.fields:
            if spec.kind in ("string", "strings", "media"):
                suspects |= _suspect_rows(raw.column(spec.name).combine_chunks())
        if not suspects.any():
            return True
        lines = block.split(b"\n")
        return all(self._line_types_ok(lines[i]) for i in np.flatnonzero(suspects).tolist())

    def _line_types_ok(self, line: bytes) -> bool:
        try:
            value = json.loads(line)
        except ValueError:
            return False
        return isinstance(value, dict) and not json_type_problems(self.table, value)


def _scratch() -> str | None:
    """A memory-backed directory for block files when there is one."""
    shm = "/dev/shm"
    return shm if os.path.isdir(shm) and os.access(shm, os.W_OK) else None


def _raw_column(array: pa.Array, spec: Field) -> pa.Array | None:
    """DuckDB's column in the raw type; None when a JSON boolean or integer is not one."""
    if spec.kind == "bool":
        return _json_bool(array)
    if spec.kind == "rating":
        return _json_integer(array)
    return array.cast(RAW_TYPES[spec.kind])


def _json_bool(array: pa.Array) -> pa.Array | None:
    text = array.cast(pa.string())
    known = pc.is_in(text, value_set=pa.array(["true", "false"]))  # false for a null
    if mask_of(pc.and_(text.is_valid(), pc.invert(known))).any():
        return None
    return pc.equal(text, "true")


def _json_integer(array: pa.Array) -> pa.Array | None:
    text = array.cast(pa.string())
    if mask_of(pc.invert(pc.match_substring_regex(text, INTEGER))).any():
        return None
    return text.cast(pa.int64())


def _suspect_rows(array: pa.Array) -> np.ndarray:
    """Rows holding a text value that may stand for a JSON number, boolean, object or array."""
    if pa.types.is_string(array.type):
        return _suspect_texts(array)
    parents = pc.list_parent_indices(array).to_numpy()
    values = pc.list_flatten(array)
    texts = [values] if pa.types.is_string(values.type) else values.flatten()
    rows = np.zeros(len(array), dtype=bool)
    for text in texts:
        rows[parents[_suspect_texts(text)]] = True
    return rows


def _suspect_texts(array: pa.Array) -> np.ndarray:
    """Texts starting like a JSON number, object or array, or spelling true or false.

    Reads the first byte of each value straight from the Arrow buffers.
    """
    _, offset_buffer, data_buffer = array.buffers()
    offsets = np.frombuffer(offset_buffer, np.int32)[array.offset : array.offset + len(array) + 1]
    data = (
        np.frombuffer(data_buffer, np.uint8) if data_buffer is not None else np.zeros(0, np.uint8)
    )
    lengths = np.diff(offsets)
    if not len(data):
        return np.zeros(len(array), dtype=bool)
    first = np.where(lengths > 0, data[np.minimum(offsets[:-1], len(data) - 1)], 0)
    suspect = np.isin(first, SUSPECT_FIRST_BYTES)
    maybe_bool = np.isin(first, BOOL_FIRST_BYTES) & np.isin(lengths, (4, 5))
    if maybe_bool.any():
        suspect |= maybe_bool & mask_of(pc.is_in(array, value_set=pa.array(["true", "false"])))
    return suspect & mask_of(array.is_valid())
