"""Objectors named by others become [PERSON]; everyone else gets a consistent surrogate."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from optout.keys import Pseudonymizer
from tests.conftest import TEST_SECRET
from tests.pipeline.conftest import account, dataset_rows, post, write_export

Build = Callable[..., dict[str, Any]]
Import = Callable[[list[dict[str, Any]]], dict[str, Any]]

MENTIONS = {
    "de": "Gestern war ich mit Olaf Ölberg im Kino, es war schön.",
    "fr": "J'ai vu olaf olberg hier soir au marché, il était content.",
    "es": "Ayer vi a @olaf_oe en el parque con su perro.",
    "it": "Oggi ho incontrato OLAF ÖLBERG alla stazione di Milano.",
    "nl": "Vandaag heb ik Vera Quintelbrook gezien op de markt.",
    "pl": "Dzisiaj rozmawiałem z @veraq o pogodzie.",
}
OBJECTOR_STRINGS = ["Olaf", "Ölberg", "olberg", "olaf_oe", "Vera", "Quintelbrook", "veraq"]


@pytest.fixture
def export(tmp_path: Path, import_objections: Import) -> Path:
    accounts = [
        account("alice", display_name="Alice Martin", username="alice_m"),
        account("bob", display_name="Bob Kowalski", username="bobk"),
        account("olaf", display_name="Olaf Ölberg", username="olaf_oe"),
    ]
    content = [post(f"m_{lang}", "bob", text) for lang, text in MENTIONS.items()]
    content += [
        post("tag", "bob", "Schöner Abend mit Freunden.", mentions=["olaf", "alice"]),
        post("friend", "bob", "Alice Martin hat heute Geburtstag, alles Gute!"),
        post("friend2", "bob", "Noch einmal: alles Gute @alice_m und danke."),
        post("olaf_self", "olaf", "Mein eigener Beitrag."),
    ]
    import_objections(
        [
            {"email": "olaf@example.org", "confirmed_at": "2026-04-01T00:00:00Z",
             "submitted_at": "2026-04-01T00:00:00Z"},
            {"email": "vera@example.net", "names": ["Vera Quintelbrook"], "handles": ["veraq"],
             "submitted_at": "2026-04-01T00:00:00Z", "confirmed_at": "2026-04-01T00:00:00Z"},
        ]
    )  # fmt: skip
    return write_export(tmp_path / "export", accounts, content)


def rows_by_text(dataset: Path) -> list[dict[str, Any]]:
    return sorted(dataset_rows(dataset), key=lambda row: row["text"])


def test_objectors_become_person_placeholder(export: Path, build: Build, tmp_path: Path) -> None:
    result = build(export)
    assert result["excluded"]["objected"] == 1
    rows = dataset_rows(tmp_path / "dataset")
    mention_rows = [row for row in rows if "[PERSON]" in row["text"]]
    assert len(mention_rows) == len(MENTIONS)
    keys = Pseudonymizer(TEST_SECRET.encode())
    objector_keys = {keys.author("olaf"), keys.name("Vera Quintelbrook"), keys.name("veraq")}
    for row in mention_rows:  # [PERSON] stays unlinkable: no objector's key on the row
        assert objector_keys.isdisjoint(row["person_keys"])
    for row in rows:
        for name in OBJECTOR_STRINGS:
            assert name.lower() not in row["text"].lower()


def test_structured_mentions_of_objectors_are_removed(
    export: Path, build: Build, tmp_path: Path
) -> None:
    build(export)
    keys = Pseudonymizer(TEST_SECRET.encode())
    tagged = next(r for r in dataset_rows(tmp_path / "dataset") if r["text"].startswith("Schön"))
    assert tagged["person_keys"] == [keys.author("alice")]


def test_other_people_get_one_consistent_surrogate(
    export: Path, build: Build, tmp_path: Path
) -> None:
    build(export)
    keys = Pseudonymizer(TEST_SECRET.encode())
    rows = [r for r in dataset_rows(tmp_path / "dataset") if "alles Gute" in r["text"]]
    assert len(rows) == 2
    for row in rows:
        assert "Alice" not in row["text"] and "alice_m" not in row["text"]
        assert "[PERSON]" not in row["text"]
        assert keys.author("alice") in row["person_keys"]
    assert all(keys.author("olaf") not in r["person_keys"] for r in rows)


def test_drop_policy_excludes_rows_that_mention_objectors(export: Path, build: Build) -> None:
    result = build(export, policy='[redaction]\nthird_party_mentions = "drop"\n')
    assert result["excluded"]["mentions_objector"] == len(MENTIONS) + 1  # + the tagged post
    assert result["rows_out"] == 2


def test_keep_policy_warns(export: Path, build: Build) -> None:
    result = build(export, policy='[redaction]\nthird_party_mentions = "keep"\n')
    assert any("keep" in warning for warning in result["warnings"])
    assert result["rows_out"] == len(MENTIONS) + 3


def test_placeholder_when_not_pseudonymizing(export: Path, build: Build, tmp_path: Path) -> None:
    build(export, policy="[redaction]\npseudonymize_people = false\n")
    rows = [r for r in dataset_rows(tmp_path / "dataset") if "alles Gute" in r["text"]]
    assert all("[PERSON]" in row["text"] for row in rows)
