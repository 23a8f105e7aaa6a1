"""Benchmark: stream a ~2 GB JSON Lines export through check_export; rows/s and peak RSS."""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

KINDS = ("post", "comment", "photo", "story", "reel", "review", "ai_chat", "group_post")
WORDS = "the quick brown fox jumps over a lazy dog near the city music weekend coffee".split()


def generate(root: Path, size_bytes: int, accounts: int = 200_000) -> int:
    """Write accounts.jsonl and a content.jsonl of about ``size_bytes``; return content rows."""
    root.mkdir(parents=True, exist_ok=True)
    with (root / "accounts.jsonl").open("w") as out:
        for i in range(accounts):
            out.write(
                f'{{"account_id": "a{i:08d}", "username": "user{i}", "email": '
                f'"user{i}@example.org", "country": "ES", "birth_date": "1990-05-01", '
                f'"created_at": "2020-01-01T00:00:00Z", "indexable": true}}\n'
            )
    texts = [
        " ".join(WORDS[(i * 7 + j) % len(WORDS)] for j in range(8 + i % 50)) for i in range(997)
    ]
    rows, written = 0, 0
    with (root / "content.jsonl").open("w") as out:
        while written < size_bytes:
            lines = []
            for i in range(rows, rows + 10_000):
                lines.append(
                    f'{{"content_id": "c{i:010d}", "account_id": "a{(i * 7919) % accounts:08d}", '
                    f'"kind": "{KINDS[i % len(KINDS)]}", "visibility": "public", '
                    f'"created_at": "2024-0{1 + i % 9}-1{i % 10}T10:{i % 60:02d}:00+02:00", '
                    f'"text": "{texts[i % 997]}", "mentions": ["a{i % accounts:08d}"], '
                    f'"rating": {1 + i % 5}, "noai": false}}\n'
                )
            chunk = "".join(lines)
            out.write(chunk)
            written += len(chunk)
            rows += 10_000
    return rows


def child(mode: str, root: Path) -> None:
    """Run one read in this process and print rows, seconds and peak RSS as JSON."""
    started = time.perf_counter()
    if mode == "check":
        from optout.corpus.reader import check_export

        result = check_export(root)
        rows = result.accounts + result.content
    else:
        import pyarrow.json as pj

        rows = pj.read_json(root / "accounts.jsonl").num_rows
        rows += pj.read_json(root / "content.jsonl").num_rows
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"mode": mode, "rows": rows, "seconds": seconds, "peak_rss_mb": peak_mb}))


def measure(mode: str, root: Path, cpus: str | None) -> dict[str, float]:
    command = [sys.executable, __file__, "--child", mode, str(root)]
    if cpus:
        command = ["taskset", "-c", cpus, *command]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["rows_per_s"] = result["rows"] / result["seconds"]
    return result


def report(results: list[dict[str, float]]) -> None:
    for r in results:
        print(
            f"{r['mode']:>9} cpus={r['cpus']}: {r['rows']:,} rows in {r['seconds']:.1f} s = "
            f"{r['rows_per_s']:,.0f} rows/s, peak RSS {r['peak_rss_mb']:,.0f} MB"
        )
    by = {(r["mode"], r["cpus"]): r for r in results}
    for cpus in {r["cpus"] for r in results}:
        check, base = by.get(("check", cpus)), by.get(("baseline", cpus))
        if check and base:
            print(
                f"cpus={cpus}: check_export / pyarrow.json: "
                f"speed x{check['rows_per_s'] / base['rows_per_s']:.2f}, "
                f"peak RSS x{check['peak_rss_mb'] / base['peak_rss_mb']:.2f}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--path", type=Path, help="an existing export directory to read")
    parser.add_argument("--size-gb", type=float, default=2.0, help="content.jsonl size to generate")
    parser.add_argument("--one-core", action="store_true", help="also run pinned to CPU 0")
    parser.add_argument("--child", nargs=2, metavar=("MODE", "DIR"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]))
        return
    tmp = Path(tempfile.mkdtemp(prefix="optout-bench-"))
    try:
        root = args.path
        if root is None:
            root = tmp / "export"
            started = time.perf_counter()
            rows = generate(root, int(args.size_gb * 1024**3))
            size = (root / "content.jsonl").stat().st_size / 1024**3
            print(
                f"generated {rows:,} content rows, {size:.2f} GB "
                f"in {time.perf_counter() - started:.0f} s"
            )
        results = []
        for cpus in [None, "0"] if args.one_core else [None]:
            for mode in ("check", "baseline"):
                result = measure(mode, root, cpus)
                result["cpus"] = cpus or "all"
                results.append(result)
        report(results)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
