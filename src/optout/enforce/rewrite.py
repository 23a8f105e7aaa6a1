"""Rewriting one data file without purged rows, with purged people unlinked in the rest."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from optout.enforce.text import NameFinder, SurrogateUnlinker
from optout.pipeline.steps import rows_digest
from optout.pipeline.writer import OUTPUT_SCHEMA, BucketedWriter, DataFile


@dataclass(frozen=True)
class Targets:
    """What a purge removes (authors' rows, single items) and unlinks (people mentioned)."""

    authors: pa.Array
    items: pa.Array
    unlink_keys: pa.Array
    names: NameFinder
    unlinker: SurrogateUnlinker


@dataclass
class FileOutcome:
    """What rewriting one file did; ``new`` is None when nothing is left in it."""

    path: str
    changed: bool = False
    new: DataFile | None = None
    rows_removed: int = 0
    rows_rewritten: int = 0
    removed_counts: Counter[str] = field(default_factory=Counter)
    digest_delta: int = 0
    media_removed: set[str] = field(default_factory=set)


def rows_to_remove(table: pa.Table, targets: Targets) -> pa.Array:
    """Rows written by a purged author, or purged items."""
    by_author = pc.is_in(table.column("author_key"), value_set=targets.authors)
    by_item = pc.is_in(table.column("content_key"), value_set=targets.items)
    return pc.fill_null(pc.or_(by_author, by_item), False).combine_chunks()


def rows_to_unlink(table: pa.Table, targets: Targets) -> np.ndarray:
    """Indices of rows that mention a purged person (by key, or by name in the text)."""
    keys = table.column("person_keys").combine_chunks()
    hits = pc.is_in(pc.list_flatten(keys), value_set=targets.unlink_keys)
    parents = pc.list_parent_indices(keys).to_numpy(zero_copy_only=False)
    mentioned = parents[hits.to_numpy(zero_copy_only=False)]
    if targets.names:
        named = targets.names.candidates(table.column("text")).combine_chunks()
        mentioned = np.concatenate([mentioned, np.flatnonzero(named.to_numpy(False))])
    return np.unique(mentioned)


def unlink_rows(rows: pa.Table, targets: Targets) -> pa.Table:
    """``rows`` with purged people's surrogates and names as [PERSON] and keys dropped.

    A row that named or tagged a purged person also loses its images: the person may be in
    them (the build drops images that tag an objector or whose alt text names one).
    """
    purged = set(targets.unlink_keys.to_pylist())
    texts, keys, media = [], [], []
    for text, row_keys, images in zip(
        rows.column("text").to_pylist(), rows.column("person_keys").to_pylist(),
        rows.column("media").to_pylist(), strict=True,
    ):  # fmt: skip
        row_keys = row_keys or []
        original = text
        text = targets.unlinker.unlink(text, row_keys)
        if text is not None and targets.names:
            text = targets.names.redact(text)[0]
        kept = [key for key in row_keys if key not in purged]
        texts.append(text)
        keys.append(kept)
        media.append([] if text != original or len(kept) < len(row_keys) else images or [])
    rows = _set(rows, "text", pa.array(texts, pa.string()))
    rows = _set(rows, "media", pa.array(media, rows.schema.field("media").type))
    return _set(rows, "person_keys", pa.array(keys, pa.list_(pa.string())))


def _set(table: pa.Table, name: str, values: pa.Array) -> pa.Table:
    return table.set_column(table.schema.get_field_index(name), name, values)


def rewrite_file(data_dir: Path, path: str, bucket: int, targets: Targets) -> FileOutcome:
    """Read one file, drop and unlink rows, write what is left as a new file of the bucket."""
    table = pq.read_table(data_dir / path)
    outcome = FileOutcome(path)
    remove = rows_to_remove(table, targets)
    kept = table.filter(pc.invert(remove))
    removed = table.filter(remove)
    mentioned = rows_to_unlink(kept, targets)
    before = kept.take(pa.array(mentioned, pa.int64()))
    after = unlink_rows(before, targets)
    rewritten = _changed_rows(before, after)
    if removed.num_rows == 0 and rewritten == 0:
        return outcome
    untouched = np.ones(kept.num_rows, dtype=bool)
    untouched[mentioned] = False
    result = pa.concat_tables([kept.filter(pa.array(untouched)), after])
    outcome.changed = True
    outcome.rows_removed = removed.num_rows
    outcome.rows_rewritten = rewritten
    outcome.removed_counts = _removed_counts(removed)
    outcome.media_removed = _media_paths(removed)
    outcome.digest_delta = _digest(after, bucket) - _digest(
        pa.concat_tables([before, removed]), bucket
    )
    outcome.new = _write(data_dir, result, bucket)
    return outcome


def _changed_rows(before: pa.Table, after: pa.Table) -> int:
    """Rows whose text or person_keys the unlinking changed."""
    if before.num_rows == 0:
        return 0
    text = pc.fill_null(pc.not_equal(before.column("text"), after.column("text")), False)
    keys = pc.not_equal(
        pc.list_value_length(before.column("person_keys")),
        pc.list_value_length(after.column("person_keys")),
    )
    return int(pc.sum(pc.or_(text, pc.fill_null(keys, False))).as_py() or 0)


def _write(data_dir: Path, table: pa.Table, bucket: int) -> DataFile | None:
    if table.num_rows == 0:
        return None
    table = table.append_column("bucket", pa.array([bucket] * table.num_rows, pa.int32()))
    writer = BucketedWriter(data_dir, buckets=bucket + 1)
    try:
        for batch in table.to_batches(max_chunksize=BucketedWriter.FLUSH_ROWS):
            writer.write(batch)
        files = writer.close()
    except BaseException:
        writer.abort()
        raise
    return next(iter(files.values()))


def _digest(table: pa.Table, bucket: int) -> int:
    if table.num_rows == 0:
        return 0
    table = table.append_column("bucket", pa.array([bucket] * table.num_rows, pa.int32()))
    table = table.select(OUTPUT_SCHEMA.names).cast(OUTPUT_SCHEMA).combine_chunks()
    return sum(rows_digest(batch) for batch in table.to_batches())


def _removed_counts(removed: pa.Table) -> Counter[str]:
    counts: Counter[str] = Counter()
    for column in ("kind", "lang"):
        for item in pc.value_counts(removed.column(column)).to_pylist():
            value = "unknown" if item["values"] is None else item["values"]
            counts[f"{column}:{value}"] += item["counts"]
    return counts


def _media_paths(removed: pa.Table) -> set[str]:
    media = pc.list_flatten(removed.column("media"))
    if len(media) == 0:
        return set()
    return {p for p in pc.struct_field(media, "path").to_pylist() if p}
