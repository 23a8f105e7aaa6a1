"""Every exclusion reason, proved on hand-made rows (interfaces §3)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.pipeline.conftest import account, dataset_rows, post, write_export

Build = Callable[..., dict[str, Any]]
Import = Callable[[list[dict[str, Any]]], dict[str, Any]]

OBJECTOR = account("olaf", display_name="Olaf Ölberg", username="olaf_oe")
LATE_OBJECTOR = account("otto", display_name="Otto Quellmann", username="ottoq")


def scenario() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    accounts = [
        account("alice", display_name="Alice Martin", username="alice_m"),
        OBJECTOR,
        LATE_OBJECTOR,
        account("hans", ai_training_opt_out=True),
        account("ines", indexable=False),
        account("dora", deleted_at="2026-02-01T00:00:00Z"),
        account("sam", country="US"),
        account("nocountry", country=None),
        account("mia", birth_date="2012-03-03"),
        account("tina", birth_date="2008-05-01"),
        account("ugo", birth_date=None),
        account("nora"),
        account("newbie"),
    ]
    content = [
        post("a1", "alice", "Ein ganz normaler Beitrag über das Wetter."),
        post("o1", "olaf", "Mein eigener Beitrag."),
        post("o2", "olaf", "Ein Kommentar unter Alices Beitrag.", kind="comment", parent_id="a1"),
        post("o3", "olaf", "Tolles Restaurant.", kind="review", rating=5),
        post("o4", "olaf", "Über mich.", kind="profile"),
        post("o5", "olaf", "Was ist die Hauptstadt von Peru?", kind="ai_chat"),
        post("t1", "otto", "Ottos Beitrag."),
        post("h1", "hans", "Hans' Beitrag."),
        post("i1", "ines", "Ines' Beitrag."),
        post("a2", "alice", "Bitte nicht für KI.", noai=True),
        post("a3", "alice", "Nur für Freunde.", visibility="friends"),
        post("a4", "alice", "Privat.", visibility="private"),
        post("a5", "alice", "Eine Nachricht.", kind="message"),
        post("a6", "alice", "Aus der Zukunft.", created_at="2026-07-01T00:00:00Z"),
        post("a7", "alice", "Gelöscht.", deleted_at="2026-03-01T00:00:00Z"),
        post("a8", "alice", "Später gelöscht.", deleted_at="2026-07-01T00:00:00Z"),
        post("d1", "dora", "Doras Beitrag."),
        post("s1", "sam", "Sam's post."),
        post("n1", "nocountry", "Ohne Land."),
        post("m1", "mia", "Minderjährig."),
        post("tina_before", "tina", "Vor dem 18. Geburtstag.", created_at="2026-04-01T00:00:00Z"),
        post("tina_after", "tina", "Nach dem 18. Geburtstag.", created_at="2026-05-15T00:00:00Z"),
        post("u1", "ugo", "Alter unbekannt."),
        post("nora1", "nora", "Nie benachrichtigt."),
        post("newbie1", "newbie", "Erst vor zehn Tagen benachrichtigt."),
    ]
    return accounts, content


def objections() -> list[dict[str, Any]]:
    return [
        {"email": " OLAF@Example.org ", "country": "DE", "submitted_at": "2026-04-01T10:00:00Z",
         "confirmed_at": "2026-04-01T12:00:00Z"},
        # Confirmed after --as-of, but before the build runs: still honoured.
        {"email": "otto@example.org", "country": "DE", "submitted_at": "2026-07-01T10:00:00Z",
         "confirmed_at": "2026-07-01T12:00:00Z"},
    ]  # fmt: skip


@pytest.fixture
def export(tmp_path: Path) -> Path:
    accounts, content = scenario()
    notified = [a["account_id"] for a in accounts if a["account_id"] not in {"nora", "newbie"}]
    directory = write_export(tmp_path / "export", accounts, content, notified)
    with (directory / "notices.jsonl").open("a", encoding="utf-8") as handle:
        handle.write(
            '{"account_id": "newbie", "channel": "in_app", "sent_at": "2026-05-22T00:00:00Z"}\n'
        )
    return directory


def test_each_reason_in_order(export: Path, build: Build, import_objections: Import) -> None:
    import_objections(objections())
    result = build(export, policy='[scope]\nkinds = ["post", "comment", "profile", "ai_chat"]\n')
    assert result["excluded"] == {
        "invalid": 0,
        "objected": 9,  # olaf ×5 (comment, review, profile, chat too), otto, hans, ines, noai
        "not_public": 3,  # friends, private, message
        "kind_excluded": 0,
        "after_as_of": 1,
        "deleted": 2,  # deleted item, deleted account; deleted after as-of is kept
        "out_of_region": 2,  # US, missing country
        "minor": 2,  # mia, tina before 18
        "unknown_age": 1,
        "not_notified": 2,  # never, and only 10 days before
    }
    assert result["rows_in"] == 25
    assert result["rows_out"] == result["rows_in"] - sum(result["excluded"].values())
    assert result["rows_out"] == 3  # a1, a8 (deleted after as-of), tina_after


def test_kept_rows_are_the_expected_ones(
    export: Path, build: Build, import_objections: Import, tmp_path: Path
) -> None:
    import_objections(objections())
    build(export)
    texts = sorted(row["text"] for row in dataset_rows(tmp_path / "dataset"))
    assert texts == sorted(
        ["Ein ganz normaler Beitrag über das Wetter.", "Später gelöscht.",
         "Nach dem 18. Geburtstag."]
    )  # fmt: skip


def test_kind_excluded_follows_the_policy(export: Path, build: Build, tmp_path: Path) -> None:
    result = build(export, policy='[scope]\nkinds = ["comment"]\n')
    assert result["excluded"]["kind_excluded"] == 18
    assert [row["kind"] for row in dataset_rows(tmp_path / "dataset")] == ["comment"]


def test_objection_confirmed_after_build_is_new(
    export: Path, build: Build, import_objections: Import
) -> None:
    first = build(export)
    assert first["watermark"] == 0
    import_objections(objections())
    second = build(export)
    assert second["watermark"] == 2
    assert second["excluded"]["objected"] == first["excluded"]["objected"] + 6


def test_unknown_age_can_be_included(export: Path, build: Build) -> None:
    result = build(export, policy='[scope]\nunknown_age = "include"\n')
    assert result["excluded"]["unknown_age"] == 0


def test_notice_not_required(export: Path, build: Build) -> None:
    result = build(export, policy="[notice]\nrequired = false\n")
    assert result["excluded"]["not_notified"] == 0


def test_registry_notices_count(export: Path, build: Build, tmp_path: Path) -> None:
    from tests.pipeline.conftest import invoke, write_jsonl

    notices = write_jsonl(
        tmp_path / "late-notices.jsonl",
        [{"account_id": "nora", "channel": "email", "sent_at": "2026-01-01T00:00:00Z"}],
    )
    assert invoke("notices", "import", str(notices))[0] == 0
    result = build(export)
    assert result["excluded"]["not_notified"] == 1


def test_as_of_in_the_future_is_refused(export: Path, build: Build) -> None:
    result = build(export, as_of="2999-01-01T00:00:00Z", expect=2)
    assert "future" in result["error"]
