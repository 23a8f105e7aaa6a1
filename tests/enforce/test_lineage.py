"""Lineage: models recorded on dataset versions; lookup of where a person's data went."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from optout.registry import mark_version_purged, open_registry
from optout.registry.lineage import find_dataset_version
from tests.train.support import build, import_objections, invoke, objection, sample_export


def _version_id(dataset: Path, version: int) -> int:
    manifest = invoke("lineage", "record-model", "--dataset", str(dataset), "--name", "probe",
                      "--version", f"v{version}-probe")  # fmt: skip
    with open_registry() as registry, registry.read_session() as session:
        row = find_dataset_version(session, str(dataset.resolve()), _table_id(dataset), version)
        assert row is not None and manifest["dataset_version"] == version
        return row.id


def _table_id(dataset: Path) -> str:
    import json

    return json.loads((dataset / "manifest.json").read_text())["table_id"]


def test_record_model_names_the_current_version(tmp_path: Path) -> None:
    dataset = tmp_path / "dataset"
    build(sample_export(tmp_path / "export"), dataset)
    recorded = invoke("lineage", "record-model", "--dataset", str(dataset), "--name", "tiny-lm",
                      "--version", "1")  # fmt: skip
    assert recorded["dataset_version"] == 0 and recorded["name"] == "tiny-lm"
    again = invoke("lineage", "record-model", "--dataset", str(dataset), "--name", "tiny-lm",
                   "--version", "1", expect=2)  # fmt: skip
    assert "already recorded" in again["error"]


def test_record_model_refuses_a_directory_that_is_not_a_recorded_dataset(tmp_path: Path) -> None:
    answer = invoke("lineage", "record-model", "--dataset", str(tmp_path), "--name", "m",
                    "--version", "1", expect=2)  # fmt: skip
    assert "not a dataset" in answer["error"]


def test_lookup_follows_a_person_until_a_rebuild_removes_them(tmp_path: Path) -> None:
    dataset = tmp_path / "dataset"
    export = sample_export(tmp_path / "export")
    build(export, dataset)
    invoke("lineage", "record-model", "--dataset", str(dataset), "--name", "tiny-lm",
           "--version", "1")  # fmt: skip
    (tmp_path / "objections").mkdir()
    import_objections(tmp_path / "objections", [objection("ana@example.org")])

    before = invoke("lookup", "--email", "ANA@example.org ")
    assert before["held_now"] is True and before["objection"]["status"] == "confirmed"
    [held] = before["datasets"]
    assert held["versions_holding"] == [0] and held["removed_at"] is None
    assert [(m["name"], m["version"]) for m in before["models"]] == [("tiny-lm", "1")]
    assert "ana@example.org" not in str(before)

    rebuilt = build(export, dataset)
    after = invoke("lookup", "--email", "ana@example.org")
    [gone] = after["datasets"]
    assert after["held_now"] is False and gone["removed_in_version"] == rebuilt["version"] == 1
    assert gone["versions_holding"] == [0] and gone["removed_at"] is not None
    assert after["models"] == before["models"]

    nobody = invoke("lookup", "--email", "nobody@example.org")
    assert nobody == {**nobody, "held_now": False, "datasets": [], "objection": None}


def test_lookup_reports_a_purge_time_and_the_account_the_objection_names(tmp_path: Path) -> None:
    dataset = tmp_path / "dataset"
    build(sample_export(tmp_path / "export"), dataset)
    (tmp_path / "objections").mkdir()
    import_objections(tmp_path / "objections", [objection("cy.private@other.org", account_id="cy")])
    held = invoke("lookup", "--email", "cy.private@other.org")
    assert held["held_now"] is True and held["datasets"][0]["versions_holding"] == [0]

    version_id = _version_id(dataset, 0)
    with open_registry() as registry, registry.session() as session:
        mark_version_purged(session, version_id, watermark=1)
    purged = invoke("lookup", "--email", "cy.private@other.org")
    [entry] = purged["datasets"]
    assert purged["held_now"] is False and entry["removed_in_version"] == 0
    assert datetime.fromisoformat(entry["removed_at"]) == datetime.fromisoformat(
        entry["versions"][0]["purged_at"]
    )
    assert entry["versions"][0]["status"] == "purged"
