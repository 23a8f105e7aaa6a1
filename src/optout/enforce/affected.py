"""Which data files a purge must rewrite: buckets of purged authors, then key and name scans."""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from optout.enforce.deltalog import bucket_of_path
from optout.enforce.export_state import ExportState
from optout.enforce.rewrite import Targets
from optout.pipeline.writer import bucket_of


def affected_files(
    data_dir: Path, paths: Iterable[str], buckets: int, targets: Targets, workers: int
) -> list[str]:
    """Files that may hold a purged row or mention: never a false negative."""
    author_buckets = {bucket_of(key, buckets) for key in targets.authors.to_pylist()}
    paths = sorted(paths)
    affected = {p for p in paths if bucket_of_path(p) in author_buckets}
    rest = [p for p in paths if p not in affected]
    if rest and (len(targets.unlink_keys) or len(targets.items) or targets.names):
        with ThreadPoolExecutor(workers) as pool:
            hits = pool.map(lambda p: _mentions(data_dir / p, targets), rest)
            affected.update(p for p, hit in zip(rest, hits, strict=True) if hit)
    return sorted(affected)


def _mentions(path: Path, targets: Targets) -> bool:
    """Whether a file holds a purged item, a purged person's key or name."""
    columns = ["person_keys"]
    if len(targets.items):
        columns.append("content_key")
    if targets.names:
        columns.append("text")
    table = pq.read_table(path, columns=columns)
    keys = pc.list_flatten(table.column("person_keys"))
    if pc.any(pc.is_in(keys, value_set=targets.unlink_keys)).as_py():
        return True
    if len(targets.items) and pc.any(
        pc.is_in(table.column("content_key"), value_set=targets.items)
    ).as_py():
        return True
    return bool(targets.names and pc.any(targets.names.candidates(table.column("text"))).as_py())


def absent_from_export(
    data_dir: Path, paths: Iterable[str], state: ExportState
) -> tuple[set[str], set[str]]:
    """Authors and items the dataset holds that the export no longer has (hard deletes)."""
    files = [str(data_dir / p) for p in sorted(paths)]
    if not files:
        return set(), set()
    con = duckdb.connect()
    try:
        con.register("present_authors", _keys(state.present_authors))
        con.register("present_items", _keys(state.present_items))
        scan = f"read_parquet({files!r})"
        authors = con.execute(
            f"SELECT DISTINCT author_key FROM {scan} "
            "WHERE author_key NOT IN (SELECT k FROM present_authors)"
        ).fetchall()
        items = con.execute(
            f"SELECT content_key FROM {scan} "
            "WHERE content_key NOT IN (SELECT k FROM present_items)"
        ).fetchall()
    finally:
        con.close()
    return {row[0] for row in authors}, {row[0] for row in items}


def _keys(keys: set[str]) -> pa.Table:
    return pa.table({"k": pa.array(sorted(keys), pa.string())})
