"""The dataset table: output schema, bucketed Delta writes, data-file checksums."""

from __future__ import annotations

import hashlib
import json
import os
import time
import uuid
from collections import defaultdict
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from deltalake import DeltaTable, Schema
from deltalake.transaction import AddAction, create_table_with_add_actions

MEDIA_TYPE = pa.list_(pa.struct([("path", pa.string()), ("sha256", pa.string())]))
OUTPUT_SCHEMA = pa.schema(
    [
        ("content_key", pa.string()),
        ("author_key", pa.string()),
        ("kind", pa.string()),
        ("lang", pa.string()),
        ("text", pa.string()),
        ("person_keys", pa.list_(pa.string())),
        ("media", MEDIA_TYPE),
        ("created_date", pa.date32()),
        ("rating", pa.int8()),
        ("parent_key", pa.string()),
        ("bucket", pa.int32()),
    ]
)
FILE_SCHEMA = OUTPUT_SCHEMA.remove(OUTPUT_SCHEMA.get_field_index("bucket"))
# Only columns that say nothing about a person get min/max statistics in _delta_log.
STATS_COLUMNS = "bucket,kind,lang,created_date"
# Dictionary encoding only where values repeat: keys and texts are nearly all distinct, so a
# dictionary would be built and then given up (25% of the writer's CPU, and larger files).
DICTIONARY_COLUMNS = ["kind", "lang"]
# zstd's level 1: on the sample's rows as small as level 3's files (within 0.2%), for ~20%
# less of the writer's CPU.
ZSTD_LEVEL = 1
TABLE_CONFIGURATION = {
    "delta.dataSkippingStatsColumns": STATS_COLUMNS,
    "delta.logRetentionDuration": "interval 0 days",
    "delta.deletedFileRetentionDuration": "interval 0 days",
}
ROWS_PER_BUCKET = 2_000
MAX_BUCKETS = 512


def bucket_count(expected_rows: int) -> int:
    """Buckets for a dataset of about ``expected_rows`` rows: a power of two, ~2,000 rows each."""
    buckets = 1
    while buckets < MAX_BUCKETS and buckets * ROWS_PER_BUCKET < expected_rows:
        buckets *= 2
    return buckets


def bucket_of(author_key: str, buckets: int) -> int:
    """The bucket of an author: all of an author's rows live in one bucket."""
    return int(author_key[:8], 16) % buckets


class BucketedWriter:
    """Writes output batches as Parquet files, one set per author bucket, under ``data/``.

    Rows are buffered per bucket and flushed as row groups, so memory stays bounded; files
    become visible only when ``commit`` adds them to the Delta log in one transaction.
    """

    FLUSH_ROWS = 8_192
    MAX_BUFFERED_ROWS = 262_144  # about 100 MB of output rows

    def __init__(self, data_dir: Path, buckets: int) -> None:
        self.data_dir = data_dir
        self.buckets = buckets
        self._buffers: dict[int, list[pa.RecordBatch]] = defaultdict(list)
        self._buffered: dict[int, int] = defaultdict(int)
        self._writers: dict[int, tuple[str, pq.ParquetWriter]] = {}
        self._rows: dict[str, int] = {}
        self.data_dir.mkdir(parents=True, exist_ok=True)

    def write(self, batch: pa.RecordBatch) -> None:
        """Buffer one batch of output rows (its ``bucket`` column says where each goes)."""
        if batch.num_rows == 0:
            return
        table = pa.Table.from_batches([batch]).sort_by("bucket")
        buckets = table.column("bucket").to_numpy()
        starts = np.flatnonzero(np.r_[True, buckets[1:] != buckets[:-1]])
        ends = np.r_[starts[1:], len(buckets)]
        for start, end in zip(starts, ends, strict=True):
            bucket = int(buckets[start])
            for part in table.slice(start, end - start).to_batches():
                self._buffers[bucket].append(part)
            self._buffered[bucket] += int(end - start)
            if self._buffered[bucket] >= self.FLUSH_ROWS:
                self._flush(bucket)
        if sum(self._buffered.values()) > self.MAX_BUFFERED_ROWS:
            self._flush_largest()

    def _flush_largest(self) -> None:
        """Flush the fullest buckets until half the buffer is free: fewer, larger row groups
        than flushing every bucket (each flush costs a row group's fixed overhead)."""
        buffered = sum(self._buffered.values())
        for bucket in sorted(self._buffered, key=self._buffered.__getitem__, reverse=True):
            if buffered <= self.MAX_BUFFERED_ROWS // 2:
                return
            buffered -= self._buffered[bucket]
            self._flush(bucket)

    def _flush(self, bucket: int) -> None:
        batches = self._buffers.pop(bucket, [])
        self._buffered.pop(bucket, None)
        if not batches:
            return
        if bucket not in self._writers:
            relative = f"bucket={bucket}/part-{uuid.uuid4().hex}.zstd.parquet"
            (self.data_dir / relative).parent.mkdir(parents=True, exist_ok=True)
            writer = pq.ParquetWriter(
                self.data_dir / relative,
                FILE_SCHEMA,
                compression="zstd",
                compression_level=ZSTD_LEVEL,
                write_statistics=STATS_COLUMNS.split(","),
                use_dictionary=DICTIONARY_COLUMNS,
            )
            self._writers[bucket] = (relative, writer)
            self._rows[relative] = 0
        relative, writer = self._writers[bucket]
        table = pa.Table.from_batches(batches).drop_columns(["bucket"])
        writer.write_table(table)
        self._rows[relative] += table.num_rows

    def close(self) -> dict[str, DataFile]:
        """Flush and close every file; return them by path relative to ``data/``.

        Buckets are flushed, closed and hashed on one thread per core: Parquet encoding,
        zstd and SHA-256 release the GIL, and most rows of a build are still buffered here.
        """
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
            list(pool.map(self._flush, list(self._buffers)))
            closed = list(pool.map(self._close_file, sorted(self._writers.items())))
        self._writers.clear()
        return {file.path: file for file in closed}

    def _close_file(self, item: tuple[int, tuple[str, pq.ParquetWriter]]) -> DataFile:
        bucket, (relative, writer) = item
        writer.close()
        path = self.data_dir / relative
        return DataFile(path=relative, bucket=bucket, rows=self._rows[relative],
                        size=path.stat().st_size, sha256=sha256_file(path))  # fmt: skip

    def abort(self) -> None:
        """Close and delete every file written so far (a failed build leaves nothing)."""
        for relative, writer in self._writers.values():
            writer.close()
            (self.data_dir / relative).unlink(missing_ok=True)
        self._writers.clear()
        self._buffers.clear()
        self._buffered.clear()


@dataclass(frozen=True, slots=True)
class DataFile:
    """One Parquet file of the dataset: where it is, its bucket, rows, size and checksum."""

    path: str
    bucket: int
    rows: int
    size: int
    sha256: str

    def add_action(self) -> AddAction:
        return AddAction(
            path=self.path,
            size=self.size,
            partition_values={"bucket": str(self.bucket)},
            modification_time=int(time.time() * 1000),
            data_change=True,
            stats=json.dumps({"numRecords": self.rows}),
        )


def commit_snapshot(data_dir: Path, files: Iterable[DataFile]) -> int:
    """Make ``files`` the table's next version, replacing every file of the previous one."""
    actions = [file.add_action() for file in files]
    if DeltaTable.is_deltatable(str(data_dir)):
        table = DeltaTable(str(data_dir))
        table.create_write_transaction(
            actions, mode="overwrite", schema=OUTPUT_SCHEMA, partition_by=["bucket"]
        )
        table.update_incremental()
        return table.version()
    create_table_with_add_actions(
        str(data_dir),
        Schema.from_arrow(OUTPUT_SCHEMA),
        actions,
        mode="error",
        partition_by=["bucket"],
        configuration=TABLE_CONFIGURATION,
    )
    return DeltaTable(str(data_dir)).version()


def table_id(data_dir: Path) -> str:
    """The Delta table's id: it changes when a directory is deleted and built anew."""
    return str(DeltaTable(str(data_dir)).metadata().id)


def file_checksums(data_dir: Path) -> dict[str, str]:
    """SHA-256 of every data file of the current version, keyed by path relative to data/."""
    table = DeltaTable(str(data_dir))
    paths = pa.table(table.get_add_actions(flatten=True)).column("path").to_pylist()
    return {path: sha256_file(data_dir / path) for path in sorted(paths)}


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def referenced_files(data_dir: Path) -> set[str]:
    """Every data file any version of the table mentions (added or removed), from the log."""
    referenced: set[str] = set()
    log_dir = data_dir / "_delta_log"
    for commit in sorted(log_dir.glob("*.json")):
        for line in commit.read_text(encoding="utf-8").splitlines():
            action = json.loads(line) if line.strip() else {}
            for kind in ("add", "remove"):
                if kind in action:
                    referenced.add(unquote(action[kind]["path"]))
    for checkpoint in log_dir.glob("*.checkpoint*.parquet"):
        table = pq.read_table(checkpoint, columns=["add", "remove"])
        for kind in ("add", "remove"):
            for entry in table.column(kind).to_pylist():
                if entry and entry.get("path"):
                    referenced.add(unquote(entry["path"]))
    return referenced


def remove_orphan_files(data_dir: Path) -> list[str]:
    """Delete Parquet files no version references (left by a build that was killed)."""
    if not (data_dir / "_delta_log").is_dir():
        return []
    referenced = referenced_files(data_dir)
    orphans = [
        path
        for path in data_dir.rglob("*.parquet")
        if "_delta_log" not in path.parts
        and path.relative_to(data_dir).as_posix() not in referenced
    ]
    for path in orphans:
        path.unlink()
    return [path.relative_to(data_dir).as_posix() for path in orphans]
