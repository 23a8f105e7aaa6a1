"""The bucketed writer: every row lands in its bucket's file, memory stays bounded."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from optout.pipeline.writer import OUTPUT_SCHEMA, BucketedWriter


def rows(buckets: list[int], start: int) -> pa.RecordBatch:
    n = len(buckets)
    columns = {field.name: pa.nulls(n, field.type) for field in OUTPUT_SCHEMA}
    columns["content_key"] = pa.array([f"c{start + i}" for i in range(n)])
    columns["bucket"] = pa.array(buckets, pa.int32())
    return pa.RecordBatch.from_arrays(
        [columns[f.name] for f in OUTPUT_SCHEMA], schema=OUTPUT_SCHEMA
    )


class SmallWriter(BucketedWriter):
    FLUSH_ROWS = 1_000
    MAX_BUFFERED_ROWS = 40


def test_rows_land_in_their_bucket_files_with_the_buffer_bounded(tmp_path: Path) -> None:
    writer = SmallWriter(tmp_path / "data", 4)
    written = 0
    for _ in range(10):
        writer.write(rows([0] * 6 + [1] * 3 + [2] * 2 + [3], written))
        written += 12
        assert sum(writer._buffered.values()) <= SmallWriter.MAX_BUFFERED_ROWS
    files = writer.close()
    assert sorted(f.bucket for f in files.values()) == [0, 1, 2, 3]
    keys: list[str] = []
    for relative, data_file in files.items():
        table = pq.read_table(tmp_path / "data" / relative)
        assert table.num_rows == data_file.rows
        keys += table.column("content_key").to_pylist()
    assert sorted(keys) == sorted(f"c{i}" for i in range(written))
    assert sum(f.rows for f in files.values()) == written


def test_the_fullest_buckets_are_flushed_first(tmp_path: Path) -> None:
    writer = SmallWriter(tmp_path / "data", 4)
    writer.write(rows([0] * 30 + [1] * 8 + [2] * 3, 0))  # 41 rows: over the cap
    assert 0 not in writer._buffered  # the fullest went to disk...
    assert writer._buffered == {1: 8, 2: 3}  # ...and the small ones wait for more rows
    writer.abort()
