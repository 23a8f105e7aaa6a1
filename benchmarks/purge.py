"""Benchmark: `optout purge` beside a plain pyarrow read+write of the same table.

    .venv/bin/python benchmarks/purge.py [--rows 500000] [--rows-per-author 10] [--workdir DIR]

Writes a synthetic dataset straight through the pipeline's writer (OUTPUT_SCHEMA rows,
bucketed by author, one Delta commit; 3 % of rows mention one or two other authors in
``person_keys`` and by a surrogate name in the text), then times in one run:

- baseline: pyarrow reads every data file and writes the table as one zstd (level 3) file;
- purge 1 %: objections by account for 1 % of the authors, `purge_dataset` on a copy;
- purge 5: objections for 5 authors that others mention, on another copy: the share of
  the dataset's bytes rewritten.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

SECRET = b"benchmark-secret-0123456789abcdef"
WORDS = ("heute morgen wetter sonne regen park kaffee stadt freunde abend musik "
         "buch film essen reise zug fahrrad arbeit garten katze hund markt").split()  # fmt: skip
MENTION_SHARE = 0.03


def synthetic_table(rows: int, rows_per_author: int, seed: int = 7) -> tuple[pa.Table, list[str]]:
    """OUTPUT_SCHEMA rows: authors, texts, realistic person_keys; returns the account ids."""
    from optout.keys import Pseudonymizer
    from optout.pipeline.writer import MEDIA_TYPE, OUTPUT_SCHEMA, bucket_count, bucket_of

    rng = np.random.default_rng(seed)
    keys = Pseudonymizer(SECRET)
    accounts = [f"acct{i}" for i in range(max(1, rows // rows_per_author))]
    author_keys = [keys.author(a) for a in accounts]
    buckets = bucket_count(rows)
    author_of_row = rng.integers(0, len(accounts), rows)
    word_ids = rng.integers(0, len(WORDS), (rows, 16))
    texts = [" ".join(WORDS[w] for w in ids) for ids in word_ids]
    person_keys: list[list[str]] = [[] for _ in range(rows)]
    for row in np.flatnonzero(rng.random(rows) < MENTION_SHARE):
        mentioned = rng.integers(0, len(accounts), rng.integers(1, 3))
        person_keys[row] = sorted({author_keys[m] for m in mentioned})
        texts[row] += " mit Anna Schmidt"
    row_authors = [author_keys[i] for i in author_of_row]
    columns = {
        "content_key": pa.array([keys.content(f"c{i}") for i in range(rows)]),
        "author_key": pa.array(row_authors),
        "kind": pa.array(rng.choice(["post", "comment", "review"], rows)),
        "lang": pa.array(rng.choice(["de", "en", "fr"], rows)),
        "text": pa.array(texts),
        "person_keys": pa.array(person_keys, pa.list_(pa.string())),
        "media": pa.array([[]] * rows, MEDIA_TYPE),
        "created_date": pa.array([date(2026, 1, 1)] * rows, pa.date32()),
        "rating": pa.nulls(rows, pa.int8()),
        "parent_key": pa.nulls(rows, pa.string()),
        "bucket": pa.array([bucket_of(k, buckets) for k in row_authors], pa.int32()),
    }
    return pa.table(columns, schema=OUTPUT_SCHEMA), accounts


def write_dataset(out: Path, table: pa.Table) -> None:
    """Write ``table`` as a dataset: bucketed files, one Delta commit, a manifest."""
    from optout.pipeline.manifest import write_manifest
    from optout.pipeline.writer import BucketedWriter, bucket_count, commit_snapshot, table_id

    data_dir = out / "data"
    buckets = bucket_count(table.num_rows)
    writer = BucketedWriter(data_dir, buckets)
    for batch in table.to_batches(max_chunksize=65_536):
        writer.write(batch)
    files = writer.close()
    version = commit_snapshot(data_dir, files.values())
    write_manifest(out, {
        "format": "optout-dataset/1", "version": version, "as_of": "2026-06-01T00:00:00Z",
        "watermark": 0, "rows_in": table.num_rows, "rows_out": table.num_rows,
        "excluded": {}, "counts": {}, "buckets": buckets, "table_id": table_id(data_dir),
        "files": {p: {"sha256": f.sha256, "rows": f.rows, "bytes": f.size}
                  for p, f in sorted(files.items())},
    })  # fmt: skip


def baseline(data_dir: Path, scratch: Path) -> float:
    """Seconds for pyarrow to read every data file and write the table (zstd level 3)."""
    started = time.perf_counter()
    from deltalake import DeltaTable

    files = sorted(DeltaTable(str(data_dir)).file_uris())
    table = pa.concat_tables([pq.read_table(f) for f in files])
    pq.write_table(table, scratch / "baseline.parquet", compression="zstd", compression_level=3)
    return time.perf_counter() - started


def purge(dataset: Path, registry_url: str, account_ids: list[str]) -> dict:
    """Import objections for ``account_ids`` into a fresh registry and purge ``dataset``."""
    from optout.enforce.purge import purge_dataset
    from optout.keys import Pseudonymizer
    from optout.registry import import_objection_file, open_registry

    lines = [json.dumps({"account_id": a, "submitted_at": "2026-06-02T00:00:00Z",
                         "confirmed_at": "2026-06-02T00:00:00Z"}) for a in account_ids]  # fmt: skip
    objections = dataset.parent / f"{dataset.name}-objections.jsonl"
    objections.write_text("\n".join(lines) + "\n")
    keys = Pseudonymizer(SECRET)
    with open_registry(registry_url, pseudonymizer=keys) as registry:
        with registry.session() as session:
            import_objection_file(session, objections)
        started = time.perf_counter()
        result = purge_dataset(dataset, registry, keys).as_dict()
    result["wall_s"] = time.perf_counter() - started
    return result


def mentioned_authors(table: pa.Table, accounts: list[str], count: int) -> list[str]:
    """``count`` accounts that other rows mention (the harder case: their mentions move too)."""
    from optout.keys import Pseudonymizer

    keys = Pseudonymizer(SECRET)
    by_key = {keys.author(a): a for a in accounts}
    mentioned = {k for ks in table.column("person_keys").to_pylist() for k in ks}
    return [by_key[k] for k in sorted(mentioned)[:count]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=500_000)
    parser.add_argument("--rows-per-author", type=int, default=10)
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    work = Path(args.workdir or tempfile.mkdtemp(prefix="optout-purge-"))
    if args.workdir and work.exists() and any(work.iterdir()):
        raise SystemExit(f"{work} is not empty")
    os.environ.setdefault("OPTOUT_SECRET_KEY", SECRET.decode())
    table, accounts = synthetic_table(args.rows, args.rows_per_author)
    original = work / "original"
    write_dataset(original, table)
    for name in ("one_percent", "five"):
        shutil.copytree(original, work / name)
    seconds = baseline(original / "data", work)
    one = purge(work / "one_percent", f"sqlite:///{work / 'one.db'}",
                accounts[: max(1, len(accounts) // 100)])  # fmt: skip
    five = purge(work / "five", f"sqlite:///{work / 'five.db'}",
                 mentioned_authors(table, accounts, 5))  # fmt: skip
    report(args.rows, len(accounts), seconds, one, five)


def report(rows: int, authors: int, baseline_s: float, one: dict, five: dict) -> None:
    base_rate = rows / baseline_s
    purge_rate = rows / one["wall_s"]
    print(f"dataset: {rows:,} rows, {authors:,} authors, {os.cpu_count()} cores")
    print(f"baseline pyarrow read+write (zstd 3): {baseline_s:.2f} s = {base_rate:,.0f} rows/s")
    print(f"purge 1% of authors: {one['wall_s']:.2f} s = {purge_rate:,.0f} rows/s "
          f"({purge_rate / base_rate:.0%} of baseline); removed {one['rows_removed']:,}, "
          f"rewritten {one['rows_rewritten']:,}, files {one['files_rewritten']:,}, "
          f"bytes {one['bytes_rewritten'] / one['bytes_total']:.0%}")  # fmt: skip
    print(f"purge 5 mentioned authors: {five['wall_s']:.2f} s; removed {five['rows_removed']:,}, "
          f"rewritten {five['rows_rewritten']:,}, files {five['files_rewritten']:,}, "
          f"bytes {five['bytes_rewritten'] / five['bytes_total']:.1%} of the dataset")  # fmt: skip
    summary = {"baseline_rows_per_s": round(base_rate), "purge_rows_per_s": round(purge_rate),
               "ratio": round(purge_rate / base_rate, 3), "one_percent": one, "five": five}
    print(json.dumps(summary, default=str))


if __name__ == "__main__":
    main()
