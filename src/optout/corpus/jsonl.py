"""JSON Lines source: fast DuckDB parsing in blocks, exact pyarrow and line-by-line fallbacks."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.json as pj

from optout.corpus.chunks import FailedRow, RawChunk
from optout.corpus.fastjson import FastParser
from optout.corpus.schema import Table
from optout.corpus.validate import json_type_problems

# A line that does not start with "{" must not reach pyarrow (a bare `null` crashes it).
NOT_AN_OBJECT_LINE = re.compile(rb"\n[ \t\r]*[^{ \t\r\n]")
PARSE_BLOCK_BYTES = 4 << 20  # pyarrow parses blocks of this size on separate threads
SCHEMA_MISMATCH = "row does not match the export schema"
NEWLINE = ord("\n")
BLOCK_BYTES = 16 << 20  # a DuckDB query costs ~10 ms, so blocks are large


def read_chunks(path: Path, table: Table, batch_size: int) -> Iterator[RawChunk]:
    """Parse ``path`` in blocks of at most ``batch_size`` lines; line numbers count from 1."""
    options = _parse_options(table)
    parser = FastParser(table)
    try:
        first_line = 1
        for block, lines, progress in _blocks(path, batch_size):
            chunk = _block_chunk(block, lines, first_line, table, options, parser)
            chunk.progress = progress
            yield chunk
            first_line += lines
    finally:
        parser.close()


def _blocks(path: Path, batch_size: int) -> Iterator[tuple[bytes, int, int]]:
    """Whole lines in blocks of about ``BLOCK_BYTES``: (bytes, lines, bytes read so far)."""
    with path.open("rb") as file:
        pending = b""
        while data := file.read(BLOCK_BYTES):
            buffer = pending + data if pending else data
            end = buffer.rfind(b"\n") + 1
            pending = buffer[end:]
            if end:
                yield from _split_block(buffer[:end], batch_size, file.tell() - len(pending))
        if pending:
            yield from _split_block(pending, batch_size, file.tell())


def _split_block(block: bytes, batch_size: int, progress: int) -> Iterator[tuple[bytes, int, int]]:
    """Cut a block of whole lines into the fewest pieces of at most ``batch_size`` lines,
    all about as long (no short tail piece)."""
    lines = line_count(block)
    if lines <= batch_size:
        yield block, lines, progress
        return
    pieces = -(-lines // batch_size)
    ends = _newline_ends(block)
    cuts = [int(ends[lines * k // pieces - 1]) for k in range(1, pieces)] + [len(block)]
    start, base = 0, progress - len(block)
    for cut in cuts:
        piece = block[start:cut]
        yield piece, line_count(piece), base + cut
        start = cut


def _newline_ends(block: bytes) -> np.ndarray:
    """The offset just after each newline of a block."""
    return np.flatnonzero(np.frombuffer(block, np.uint8) == NEWLINE) + 1


def line_count(block: bytes) -> int:
    """Lines in a block; the last one may lack its newline."""
    return block.count(b"\n") + (not block.endswith(b"\n"))


def split_lines(block: bytes) -> list[bytes]:
    """A block's lines, each ending with a newline (as a file iterator gives them)."""
    parts = block.split(b"\n")
    if block.endswith(b"\n"):
        parts.pop()
    return [part + b"\n" for part in parts]


def _block_chunk(
    block: bytes,
    lines: int,
    first_line: int,
    table: Table,
    options: pj.ParseOptions,
    parser: FastParser,
) -> RawChunk:
    """The fast parse when every line is an object DuckDB reads cleanly, else the exact one."""

    def exact() -> RawChunk:
        return parse_lines(split_lines(block), first_line, table, options)

    if _every_line_an_object(block, lines):
        parsed = parser.parse(block, lines)
        if parsed is not None:
            rows = np.arange(first_line, first_line + lines, dtype=np.int64)
            return RawChunk(parsed, rows, exact=exact)
    return exact()


def _every_line_an_object(block: bytes, lines: int) -> bool:
    """Every one of the block's ``lines`` starts with "{" (so none is blank and each line is
    one row): the first does, and so does each line after a newline."""
    return block.startswith(b"{") and block.count(b"\n{") == lines - 1


def _parse_options(table: Table) -> pj.ParseOptions:
    return pj.ParseOptions(explicit_schema=table.raw_schema, unexpected_field_behavior="ignore")


def parse_lines(
    lines: list[bytes], first_line: int, table: Table, options: pj.ParseOptions
) -> RawChunk:
    """Parse a block at once; when that fails, find the bad lines one by one."""
    rows = np.arange(first_line, first_line + len(lines), dtype=np.int64)
    parsed = _parse_block(lines, options)
    if parsed is not None:
        return RawChunk(parsed, rows)
    good_lines, good_rows, failed = _screen_lines(lines, rows, table)
    tables, kept_rows, mismatched = _parse_or_split(good_lines, good_rows, options)
    failed.extend(mismatched)
    failed.sort(key=lambda failure: failure.row)
    if not tables:
        return RawChunk(table.raw_schema.empty_table(), np.zeros(0, np.int64), failed)
    merged = pa.concat_tables(tables).combine_chunks()
    return RawChunk(merged, np.concatenate(kept_rows), failed)


def _parse_block(lines: list[bytes], options: pj.ParseOptions) -> pa.Table | None:
    """The whole block as a table with one row per line, or None if any line is off."""
    block = b"".join(lines)
    if NOT_AN_OBJECT_LINE.search(b"\n" + block):
        return None
    try:
        read = pj.ReadOptions(use_threads=True, block_size=PARSE_BLOCK_BYTES)
        parsed = pj.read_json(pa.py_buffer(block), read_options=read, parse_options=options)
        parsed.validate(full=True)  # invalid UTF-8 passes the parser but not this
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    return parsed if parsed.num_rows == len(lines) else None


def _screen_lines(
    lines: list[bytes], rows: np.ndarray, table: Table
) -> tuple[list[bytes], list[int], list[FailedRow]]:
    """Check each line with the standard JSON parser; blank lines are not rows."""
    good_lines, good_rows, failed = [], [], []
    for line, row in zip(lines, rows.tolist(), strict=True):
        if not line.strip():
            continue
        failure = _line_failure(line, row, table)
        if failure is None:
            good_lines.append(line)
            good_rows.append(row)
        else:
            failed.append(failure)
    return good_lines, good_rows, failed


def _line_failure(line: bytes, row: int, table: Table) -> FailedRow | None:
    try:
        value = json.loads(line)
    except UnicodeDecodeError:
        return FailedRow(row, [("-", "line is not valid UTF-8")])
    except ValueError:
        return FailedRow(row, [("-", "line is not valid JSON")])
    if not isinstance(value, dict):
        return FailedRow(row, [("-", "line is not a JSON object")])
    problems = json_type_problems(table, value)
    if not problems:
        return None
    row_id = value.get(table.id_field) if table.id_field else None
    return FailedRow(row, problems, row_id if isinstance(row_id, str) else None)


def _parse_or_split(
    lines: list[bytes], rows: list[int], options: pj.ParseOptions
) -> tuple[list[pa.Table], list[np.ndarray], list[FailedRow]]:
    """Parse lines the JSON check passed; should the parser still refuse some, bisect."""
    if not lines:
        return [], [], []
    parsed = _parse_block(lines, options)
    if parsed is not None:
        return [parsed], [np.asarray(rows, dtype=np.int64)], []
    if len(lines) == 1:
        return [], [], [FailedRow(rows[0], [("-", SCHEMA_MISMATCH)])]
    middle = len(lines) // 2
    left = _parse_or_split(lines[:middle], rows[:middle], options)
    right = _parse_or_split(lines[middle:], rows[middle:], options)
    return left[0] + right[0], left[1] + right[1], left[2] + right[2]
