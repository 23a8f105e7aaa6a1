"""Build, new objections, verify fails, purge, verify --full passes, nothing left on disk."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from optout.keys import Pseudonymizer
from tests.conftest import TEST_SECRET
from tests.enforce.conftest import invoke
from tests.pipeline.conftest import account, dataset_rows, post, write_export
from tests.pipeline.test_dataset_files import every_text_under

Build = Callable[..., dict[str, Any]]
Import = Callable[[list[dict[str, Any]]], dict[str, Any]]
KEYS = Pseudonymizer(TEST_SECRET.encode())

ACCOUNTS = [
    account("alice", display_name="Alice Martin", username="alice_m"),
    account("bob", display_name="Bob Kowalski", username="bobk"),
    account("carla", display_name="Carla Brenner", username="carla_b"),
    account("dirk", display_name="Dirk Wallner", username="dirkw"),
]
CONTENT = [
    post("a1", "alice", "Ein ganz normaler Beitrag über das Wetter."),
    post("a2", "alice", "Heute mit Bob Kowalski im Park gewesen."),
    post("a3", "alice", "Danke @carla_b für den Tipp!"),
    post("b1", "bob", "Bobs eigener Beitrag über Fahrräder."),
    post("b2", "bob", "Noch ein Beitrag von Bob."),
    post("c1", "carla", "Carlas Rezept für Apfelkuchen."),
    post("d1", "dirk", "Gestern traf ich Zora Feldkamp beim Bäcker."),
    post("d2", "dirk", "Ein Gruß an @zoraf und alle anderen.", mentions=["bob"]),
]
# secrets in the objectors' own rows that must vanish from every file
OBJECTOR_STRINGS = ["Bobs eigener Beitrag", "Noch ein Beitrag von Bob", "Carlas Rezept",
                    "Bob Kowalski", "bobk", "carla_b", "Zora Feldkamp", "zoraf"]  # fmt: skip


def objections_after_build() -> list[dict[str, Any]]:
    """Bob by email (backdated before the as-of), Carla by account, Zora by name only."""
    return [
        {"email": "bob@example.org", "submitted_at": "2026-01-01T00:00:00Z",
         "confirmed_at": "2026-01-02T00:00:00Z"},
        {"email": "carla@example.org", "account_id": "carla",
         "submitted_at": "2026-06-02T00:00:00Z", "confirmed_at": "2026-06-02T01:00:00Z"},
        {"email": "zora@example.net", "names": ["Zora Feldkamp"], "handles": ["zoraf"],
         "submitted_at": "2026-06-02T00:00:00Z", "confirmed_at": "2026-06-02T01:00:00Z"},
    ]  # fmt: skip


def test_purge_makes_a_failing_dataset_pass(
    tmp_path: Path, build: Build, import_objections: Import
) -> None:
    export = write_export(tmp_path / "export", ACCOUNTS, CONTENT)
    out = tmp_path / "dataset"
    build(export, out)
    build(export, out)  # a second version: version 0's files stay on disk until a purge
    code, report = invoke("verify", str(out))
    assert code == 0, report
    import_objections(objections_after_build())

    code, report = invoke("verify", str(out))
    assert code == 1 and not report["ok"]
    assert report["checks"]["new_objections"] == 3
    # Zora has no account: her name and @handle got surrogates (keyed to her) at build time,
    # so her objection finds no raw name, only rows that still link her
    assert "objector_names_in_text" not in report["checks"]
    assert report["checks"]["covered_person_mentions"] >= 2
    assert "Zora" not in str(report) and "bob@" not in str(report)

    code, result = invoke("purge", str(out), "--export", str(export))
    assert code == 0, result
    assert result["rows_removed"] == 3
    assert result["rows_rewritten"] == 4  # a2, a3 (surrogates), d1, d2 (names, keys)
    assert result["watermark"] == 3 and result["files_deleted"] >= 1

    code, report = invoke("verify", str(out), "--full")
    assert code == 0, report
    for path, text in every_text_under(out):
        for needle in [*OBJECTOR_STRINGS, KEYS.author("bob"), KEYS.author("carla")]:
            assert needle not in text, f"{needle!r} in {path.relative_to(out)}"
    texts = sorted(row["text"] for row in dataset_rows(out))
    assert "Gestern traf ich [PERSON] beim Bäcker." in texts
    assert "Danke [PERSON] für den Tipp!" in texts
    assert "Ein Gruß an [PERSON] und alle anderen." in texts


def test_purge_by_account_needs_no_export(
    tmp_path: Path, build: Build, import_objections: Import
) -> None:
    export = write_export(tmp_path / "export", ACCOUNTS, CONTENT)
    out = tmp_path / "dataset"
    build(export, out)
    import_objections([{"account_id": "bob", "submitted_at": "2026-01-01T00:00:00Z",
                        "confirmed_at": "2026-01-01T00:00:00Z"}])  # fmt: skip
    code, result = invoke("purge", str(out))
    assert code == 0, result
    assert result["rows_removed"] == 2 and result["rows_rewritten"] == 2
    code, report = invoke("verify", str(out), "--full")
    assert code == 0, report
    assert all(row["author_key"] != KEYS.author("bob") for row in dataset_rows(out))
    again_code, again = invoke("purge", str(out))
    assert again_code == 0 and again["rows_removed"] == 0 and again["files_rewritten"] == 0


def test_email_objections_are_purged_from_the_registry_alone(
    tmp_path: Path, build: Build, import_objections: Import
) -> None:
    export = write_export(tmp_path / "export", ACCOUNTS, CONTENT)
    out = tmp_path / "dataset"
    build(export, out)
    import_objections([{"email": "bob@example.org", "submitted_at": "2026-01-01T00:00:00Z",
                        "confirmed_at": "2026-01-01T00:00:00Z"}])  # fmt: skip
    code, report = invoke("verify", str(out))
    assert code == 1 and report["checks"]["covered_emails_held"] == 1
    code, result = invoke("purge", str(out))
    assert code == 0, result
    assert result["rows_removed"] == 2
    # the purged version still links emails to authors, so a second purge finds Carla
    import_objections([{"email": "CARLA@example.org", "submitted_at": "2026-02-01T00:00:00Z",
                        "confirmed_at": "2026-02-01T00:00:00Z"}])  # fmt: skip
    code, result = invoke("purge", str(out))
    assert code == 0, result
    assert result["rows_removed"] == 1
    code, report = invoke("verify", str(out), "--full")
    assert code == 0, report
    authors = {row["author_key"] for row in dataset_rows(out)}
    assert authors.isdisjoint({KEYS.author("bob"), KEYS.author("carla")})
