"""Benchmark: a full `optout build` on the sample, beside a plain pyarrow read+write.

    .venv/bin/python benchmarks/build.py [--accounts 50000] [--small 5000] [--workdir DIR]

Generates the sample (≥ 500,000 content rows at 50,000 accounts), imports its notices and
objections into a fresh SQLite registry, then times in one run:

- baseline: pyarrow reads content.jsonl and writes it as one zstd Parquet file;
- build: `optout build` with all redaction on, every core (a subprocess, so its peak RSS is
  measured on its own), into a fresh directory: every image is processed;
- rebuild: the same build again into that directory: images come from its media cache (what
  a platform that rebuilds regularly pays).

It prints rows/s for both, their ratio, and the build's peak RSS on the whole sample and on
its first fifth (same accounts, a fifth of the content): flat memory means the peaks are close.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyarrow.json as pj
import pyarrow.parquet as pq

AS_OF = "2026-06-01T00:00:00Z"
OPTOUT = [sys.executable, "-m", "optout"]


def run(args: list[str], env: dict[str, str]) -> dict:
    done = subprocess.run([*OPTOUT, *args, "--json"], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"optout {' '.join(args)} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout)


def make_sample(workdir: Path, accounts: int, env: dict[str, str]) -> Path:
    export = workdir / f"sample-{accounts}"
    if not (export / "content.jsonl").exists():
        shutil.rmtree(export, ignore_errors=True)
        run(["sample", str(export), "--accounts", str(accounts), "--seed", "1"], env)
    return export


def first_part(export: Path, workdir: Path, fraction: int) -> Path:
    """The same export with only the first 1/``fraction`` of its content rows."""
    part = workdir / f"{export.name}-part{fraction}"
    if not (part / "content.jsonl").exists():
        part.mkdir(parents=True, exist_ok=True)
        for name in ("accounts.jsonl", "notices.jsonl", "objections.jsonl"):
            shutil.copy(export / name, part / name)
        lines = (export / "content.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
        (part / "content.jsonl").write_text("".join(lines[: len(lines) // fraction]), "utf-8")
        shutil.copytree(export / "media", part / "media")
    return part


def baseline(export: Path, workdir: Path) -> tuple[int, float]:
    started = time.perf_counter()
    table = pj.read_json(export / "content.jsonl")
    pq.write_table(table, workdir / "baseline.parquet", compression="zstd", compression_level=3)
    return table.num_rows, time.perf_counter() - started


def timed_build(
    export: Path, workdir: Path, env: dict[str, str], fresh: bool = True
) -> tuple[dict, float, float]:
    registry = workdir / f"registry-{export.name}.db"
    env = {**env, "OPTOUT_DATABASE_URL": f"sqlite:///{registry}"}
    out = workdir / f"dataset-{export.name}"
    if fresh:
        registry.unlink(missing_ok=True)
        run(["notices", "import", str(export / "notices.jsonl")], env)
        run(["objections", "import", str(export / "objections.jsonl")], env)
        shutil.rmtree(out, ignore_errors=True)
    command = [*OPTOUT, "build", str(export), "--out", str(out), "--as-of", AS_OF, "--json"]
    output = workdir / "build-output.json"
    with output.open("w") as stdout:
        started = time.perf_counter()
        process = subprocess.Popen(command, env=env, stdout=stdout, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"build failed with exit code {process.returncode}")
    return json.loads(output.read_text()), seconds, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=50_000)
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="optout-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "OPTOUT_SECRET_KEY": "benchmark-secret-0123456789abcdef"}

    large = make_sample(workdir, args.accounts, env)
    small = first_part(large, workdir, 5)
    rows, base_seconds = baseline(large, workdir)
    small_result, _, small_peak = timed_build(small, workdir, env)
    result, seconds, large_peak = timed_build(large, workdir, env)
    _, again_seconds, _ = timed_build(large, workdir, env, fresh=False)

    build_rate = result["rows_in"] / seconds
    again_rate = result["rows_in"] / again_seconds
    base_rate = rows / base_seconds
    media = result.get("media", {})
    print(f"content rows            {result['rows_in']:>12,}   (kept {result['rows_out']:,})")
    print(f"pyarrow read+write      {base_rate:>12,.0f} rows/s   {base_seconds:6.1f} s")
    print(f"optout build            {build_rate:>12,.0f} rows/s   {seconds:6.1f} s"
          f"   ({media.get('processed', 0)} images processed)")
    print(f"optout rebuild          {again_rate:>12,.0f} rows/s   {again_seconds:6.1f} s"
          "   (images from the media cache)")
    print(f"ratio build / baseline  {build_rate / base_rate:>12.2f}")
    print(f"ratio rebuild / baseline{again_rate / base_rate:>12.2f}")
    print(f"redactions              {sum(result['redactions'].values()):>12,}")
    print(f"peak RSS, {small_result['rows_in']:>9,} rows   {small_peak:>8,.0f} MB")
    print(f"peak RSS, {result['rows_in']:>9,} rows   {large_peak:>8,.0f} MB")
    print(f"(work files in {workdir})")


if __name__ == "__main__":
    main()
