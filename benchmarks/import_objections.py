"""Benchmark: import N generated objections (JSON Lines) into a fresh SQLite registry."""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import tempfile
import time
from pathlib import Path

from optout.keys import Pseudonymizer
from optout.registry import import_objection_file, open_registry, verify_chain

FIRST = ["Ana", "Bruno", "Carla", "David", "Elena", "Farid", "Greta", "Hugo", "Inés", "Jonas"]
LAST = ["Pérez", "Müller", "Rossi", "Dubois", "Nowak", "Silva", "Jensen", "Kovač", "Ionescu"]
COUNTRIES = ["ES", "DE", "IT", "FR", "PL", "PT", "DK", "HR", "RO", "NL"]


def generate(path: Path, count: int, seed: int = 7) -> None:
    """Write ``count`` objections, two thirds confirmed, some identified by account only."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        for i in range(count):
            record: dict[str, object] = {
                "email": f"person{i}@example.org" if i % 10 else None,
                "account_id": f"acc-{i}" if i % 10 == 0 or i % 7 == 0 else None,
                "country": rng.choice(COUNTRIES),
                "reason": "I object to AI training",
                "names": [f"{rng.choice(FIRST)} {rng.choice(LAST)}"] if i % 3 == 0 else [],
                "handles": [f"user{i}"] if i % 5 == 0 else [],
                "submitted_at": f"2026-0{1 + i % 9}-{1 + i % 28:02d}T10:00:00Z",
            }
            if i % 3:
                record["confirmed_at"] = f"2026-0{1 + i % 9}-{1 + i % 28:02d}T12:00:00Z"
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--verify", action="store_true", help="also time `audit verify`")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "objections.jsonl"
        generate(source, args.rows)
        url = f"sqlite:///{Path(tmp) / 'registry.db'}"
        with open_registry(url, pseudonymizer=Pseudonymizer(os.urandom(32))) as registry:
            started, cpu_started = time.perf_counter(), time.process_time()
            children = resource.getrusage(resource.RUSAGE_CHILDREN)
            child_cpu_started = children.ru_utime + children.ru_stime
            with registry.session() as session:
                result = import_objection_file(session, source)
            elapsed = time.perf_counter() - started
            cpu = time.process_time() - cpu_started
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            children = resource.getrusage(resource.RUSAGE_CHILDREN)
            child_cpu = children.ru_utime + children.ru_stime - child_cpu_started
            child_peak = children.ru_maxrss / 1024
            print(f"imported {result.as_dict()} in {elapsed:.1f} s "
                  f"({args.rows / elapsed:,.0f} rows/s); CPU {cpu:.1f} s "
                  f"({cpu / args.rows * 1e6:.1f} µs/row) + reader process {child_cpu:.1f} s; "
                  f"peak RSS {peak:,.0f} MB (reader {child_peak:,.0f} MB)")  # fmt: skip
            if args.verify:
                started = time.perf_counter()
                with registry.read_session() as session:
                    report = verify_chain(session)
                elapsed = time.perf_counter() - started
                print(f"verified {report.entries:,} audit entries (ok={report.ok}) "
                      f"in {elapsed:.1f} s")  # fmt: skip


if __name__ == "__main__":
    main()
