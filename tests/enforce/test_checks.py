"""Verify's other checks, purge --export, purge --all and the Delta log after a purge."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from deltalake import DeltaTable

from optout.keys import Pseudonymizer
from tests.conftest import TEST_SECRET
from tests.enforce.conftest import invoke
from tests.enforce.test_acceptance import ACCOUNTS, CONTENT
from tests.pipeline.conftest import account, dataset_rows, post, write_export

Build = Callable[..., dict[str, Any]]
Import = Callable[[list[dict[str, Any]]], dict[str, Any]]
KEYS = Pseudonymizer(TEST_SECRET.encode())
OLAF = [{"email": "olaf@example.org", "account_id": "olaf", "submitted_at": "2026-04-01T00:00:00Z",
         "confirmed_at": "2026-04-01T00:00:00Z"}]  # fmt: skip


def test_dataset_built_with_keep_fails(
    tmp_path: Path, build: Build, import_objections: Import
) -> None:
    accounts = [account("olaf", display_name="Olaf Ölberg", username="olaf_oe"),
                account("bob", display_name="Bob Kowalski")]  # fmt: skip
    content = [post("b1", "bob", "Gestern mit Olaf Ölberg im Kino.")]
    export = write_export(tmp_path / "export", accounts, content)
    import_objections(OLAF)
    out = tmp_path / "kept"
    build(export, out, policy='[redaction]\nthird_party_mentions = "keep"\n')
    code, report = invoke("verify", str(out))
    assert code == 1
    assert report["checks"]["policy_keeps_objector_mentions"] == 1
    assert report["checks"]["covered_person_mentions"] == 1
    assert report["locations"][0]["file"]


def test_checksum_tampering_fails(tmp_path: Path, build: Build) -> None:
    out = tmp_path / "dataset"
    build(write_export(tmp_path / "export", ACCOUNTS, CONTENT), out)
    assert invoke("verify", str(out))[0] == 0
    manifest = json.loads((out / "manifest.json").read_text())
    victim = out / "data" / sorted(manifest["files"])[0]
    victim.write_bytes(victim.read_bytes()[:-1] + b"\0")
    code, report = invoke("verify", str(out))
    assert code == 1 and report["checks"]["checksum_mismatch"] == 1


def test_pii_in_text_fails(tmp_path: Path, build: Build) -> None:
    policy = '[redaction]\npii = ["phone"]\n'
    content = [post("a1", "alice", "Schreib mir an anna.schmidt@example.org bitte.")]
    out = tmp_path / "dataset"
    build(write_export(tmp_path / "export", [account("alice")], content), out, policy=policy)
    code, report = invoke("verify", str(out))
    assert code == 1 and report["checks"] == {"pii:email": 1}
    assert "anna" not in json.dumps(report)


def test_purge_with_export_applies_deletions_and_opt_outs(
    tmp_path: Path, build: Build
) -> None:
    export = write_export(tmp_path / "export", ACCOUNTS, CONTENT)
    out = tmp_path / "dataset"
    build(export, out)
    later = [dict(a, ai_training_opt_out=True) if a["account_id"] == "carla" else a
             for a in ACCOUNTS]  # fmt: skip
    content = [dict(c, deleted_at="2026-07-01T00:00:00Z") if c["content_id"] == "a1" else c
               for c in CONTENT if c["content_id"] != "b2"]  # fmt: skip
    export_now = write_export(tmp_path / "export-now", later, content)
    code, result = invoke("purge", str(out), "--export", str(export_now))
    assert code == 0, result
    assert result["rows_removed"] == 3  # a1 deleted, b2 gone from the export, carla's c1
    rows = dataset_rows(out)
    assert {r["content_key"] for r in rows}.isdisjoint(
        {KEYS.content("a1"), KEYS.content("b2"), KEYS.content("c1")}
    )
    assert "Danke [PERSON] für den Tipp!" in {r["text"] for r in rows}
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["rows_out"] == len(rows) == 5
    assert manifest["excluded"]["purged"] == 3
    assert invoke("verify", str(out), "--full")[0] == 0


def test_purge_leaves_one_version_and_no_history(
    tmp_path: Path, build: Build, import_objections: Import
) -> None:
    export = write_export(tmp_path / "export", ACCOUNTS, CONTENT)
    out = tmp_path / "dataset"
    build(export, out)
    build(export, out)
    import_objections([{"account_id": "bob", "submitted_at": "2026-01-01T00:00:00Z",
                        "confirmed_at": "2026-01-01T00:00:00Z"}])  # fmt: skip
    code, result = invoke("purge", str(out))
    assert code == 0, result
    table = DeltaTable(str(out / "data"))
    assert table.version() == result["version"] == 2
    assert table.to_pyarrow_table().num_rows == 6
    log = sorted(p.name for p in (out / "data" / "_delta_log").iterdir())
    old = ("00000000000000000000.", "00000000000000000001.")
    assert not any(name.startswith(old) for name in log)
    with pytest.raises(Exception):  # noqa: B017 - deltalake raises its own error types
        DeltaTable(str(out / "data"), version=0).to_pyarrow_table()
    on_disk = {p.relative_to(out / "data").as_posix() for p in (out / "data").rglob("*.parquet")
               if "_delta_log" not in p.parts}  # fmt: skip
    assert on_disk == set(json.loads((out / "manifest.json").read_text())["files"])


def test_purge_all_under_a_root(tmp_path: Path, build: Build, import_objections: Import) -> None:
    export = write_export(tmp_path / "export", ACCOUNTS, CONTENT)
    build(export, tmp_path / "root" / "one")
    build(export, tmp_path / "root" / "nested" / "two")
    import_objections([{"account_id": "carla", "submitted_at": "2026-01-01T00:00:00Z",
                        "confirmed_at": "2026-01-01T00:00:00Z"}])  # fmt: skip
    code, result = invoke("purge", "--all", str(tmp_path / "root"))
    assert code == 0, result
    assert len(result["datasets"]) == 2 and result["rows_removed"] == 2
    for out in (tmp_path / "root" / "one", tmp_path / "root" / "nested" / "two"):
        assert invoke("verify", str(out), "--full")[0] == 0


def test_usage_errors(tmp_path: Path) -> None:
    assert invoke("purge")[0] == 2
    assert invoke("purge", str(tmp_path), "--all", str(tmp_path))[0] == 2
    code, report = invoke("verify", str(tmp_path / "missing"))
    assert code == 1 and report["checks"] == {"no_manifest": 1}
