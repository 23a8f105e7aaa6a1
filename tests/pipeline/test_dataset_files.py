"""The dataset on disk: no excluded text anywhere, deterministic rows, crash-safe builds."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from deltalake import DeltaTable

from tests.pipeline.conftest import AS_OF, account, post, write_export
from tests.pipeline.test_exclusions import objections, scenario

Build = Callable[..., dict[str, Any]]
Import = Callable[[list[dict[str, Any]]], dict[str, Any]]

EXCLUDED_TEXTS = ["Mein eigener Beitrag", "Ottos Beitrag", "Nur für Freunde", "Privat.",
                  "Minderjährig", "Aus der Zukunft", "Vor dem 18. Geburtstag"]  # fmt: skip
OBJECTOR_NAMES = ["Olaf", "Ölberg", "olaf_oe", "Otto Quellmann", "ottoq"]


def every_text_under(directory: Path) -> list[tuple[Path, str]]:
    """Every file's content as text: Parquet files decoded row by row, others read raw."""
    found = []
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        if path.suffix == ".parquet":
            table = pq.read_table(path)
            found.append((path, json.dumps(table.to_pylist(), default=str, ensure_ascii=False)))
        found.append((path, path.read_bytes().decode("utf-8", errors="replace")))
    return found


def test_no_file_holds_excluded_rows_or_objector_names(
    tmp_path: Path, build: Build, import_objections: Import
) -> None:
    accounts, content = scenario()
    content.append(post("mention", "alice", "Heute habe ich Olaf Ölberg und @ottoq getroffen."))
    export = write_export(tmp_path / "export", accounts, content)
    import_objections(objections())
    out = tmp_path / "fresh"
    build(export, out)
    files = every_text_under(out)
    assert any(path.suffix == ".parquet" for path, _ in files)
    assert {p.name for p, _ in files} >= {"manifest.json", "report.html"}
    for path, text in files:
        for needle in EXCLUDED_TEXTS + OBJECTOR_NAMES:
            assert needle not in text, f"{needle!r} found in {path.relative_to(out)}"


def test_same_inputs_same_rows_hash(
    tmp_path: Path, build: Build, import_objections: Import
) -> None:
    accounts, content = scenario()
    export = write_export(tmp_path / "export", accounts, content)
    import_objections(objections())
    inline = build(export, tmp_path / "one", extra=("--workers", "0"))
    pooled = build(export, tmp_path / "two", extra=("--workers", "2"))
    again = build(export, tmp_path / "one", extra=("--workers", "0"))
    assert inline["rows_hash"] == pooled["rows_hash"] == again["rows_hash"]
    assert again["version"] == 1
    changed = build(export, tmp_path / "three", policy='[scope]\nunknown_age = "include"\n')
    assert changed["rows_hash"] != inline["rows_hash"]


def test_manifest_records_inputs_policy_and_files(
    tmp_path: Path, build: Build, import_objections: Import
) -> None:
    accounts, content = scenario()
    export = write_export(tmp_path / "export", accounts, content)
    import_objections(objections())
    result = build(export)
    manifest = json.loads((tmp_path / "dataset" / "manifest.json").read_text())
    assert manifest["as_of"] == AS_OF
    assert manifest["watermark"] == result["watermark"] == 2
    assert set(manifest["inputs"]) == {"accounts.jsonl", "content.jsonl", "notices.jsonl"}
    assert manifest["policy"]["scope"]["min_age"] == 18 and len(manifest["policy_sha256"]) == 64
    assert manifest["rows_in"] == manifest["rows_out"] + sum(manifest["excluded"].values())
    table = DeltaTable(str(tmp_path / "dataset" / "data"))
    assert sorted(manifest["files"]) == sorted(
        f.removeprefix(str(tmp_path / "dataset" / "data") + "/") for f in table.file_uris()
    )
    assert table.to_pyarrow_table().num_rows == manifest["rows_out"]


def big_export(directory: Path, accounts: int, posts_per_account: int) -> Path:
    rows = [account(f"a{i}") for i in range(accounts)]
    content = [
        post(f"c{i}_{j}", f"a{i}", f"Beitrag Nummer {j} von Person {i} über das Wetter heute.")
        for i in range(accounts)
        for j in range(posts_per_account)
    ]
    return write_export(directory, rows, content)


@pytest.mark.slow
def test_killed_build_leaves_previous_version_intact(tmp_path: Path, build: Build) -> None:
    small = write_export(tmp_path / "small", [account("a")], [post("c", "a", "Erster Stand.")])
    out = tmp_path / "dataset"
    build(small, out)
    manifest_before = (out / "manifest.json").read_bytes()
    export = big_export(tmp_path / "big", accounts=2_000, posts_per_account=100)
    command = [sys.executable, "-m", "optout.cli", "build", str(export), "--out", str(out),
               "--as-of", AS_OF, "--workers", "0"]  # fmt: skip
    process = subprocess.Popen(command, env=os.environ.copy(), stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list((out / "data").rglob("*.parquet"))) < 3:
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert len(list((out / "data").rglob("*.parquet"))) >= 3, "the build never got to writing"
    table = DeltaTable(str(out / "data"))
    assert table.version() == 0
    assert table.to_pyarrow_table().column("text").to_pylist() == ["Erster Stand."]
    assert (out / "manifest.json").read_bytes() == manifest_before
    again = build(small, out)  # the next build cleans up what the killed one left
    assert again["version"] == 1
    assert len(list((out / "data").rglob("*.parquet"))) == 2
