"""``optout objections import|list|show|withdraw`` end to end through the registry."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from optout.cli import objections

app = typer.Typer()
app.add_typer(objections.app, name="objections")

ANA = {"email": "ana@example.org", "account_id": None, "country": "ES", "reason": "free text",
       "names": ["Ana Pérez"], "handles": [], "submitted_at": "2026-05-01T10:00:00Z",
       "confirmed_at": "2026-05-01T12:00:00Z"}  # fmt: skip


@pytest.fixture(autouse=True)
def registry_url(database_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("OPTOUT_DATABASE_URL", database_url)
    return database_url


def write(path: Path, *records: object) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def run(*args: str) -> tuple[int, dict]:
    result = CliRunner().invoke(app, ["objections", *args, "--json"])
    return result.exit_code, json.loads(result.stdout)


def test_import_twice_then_list(tmp_path: Path) -> None:
    pending = {"email": "Bob@Example.org", "submitted_at": "2026-05-02T09:00:00+02:00"}
    file = write(tmp_path / "objections.jsonl", ANA, pending)
    assert run("import", str(file)) == (0, {"imported": 2, "updated": 0, "unchanged": 0})
    assert run("import", str(file)) == (0, {"imported": 0, "updated": 0, "unchanged": 2})
    code, listing = run("list")
    assert code == 0
    by_email = {item["email"]: item for item in listing["objections"]}
    assert by_email["ana@example.org"]["status"] == "confirmed"
    assert by_email["ana@example.org"]["confirmed_at"] == "2026-05-01T12:00:00Z"
    assert by_email["Bob@Example.org"]["status"] == "pending"
    assert {"id", "email", "status", "confirmed_at"} <= set(listing["objections"][0])


def test_confirming_row_counts_as_updated(tmp_path: Path) -> None:
    run("import", str(write(tmp_path / "a.jsonl", {**ANA, "confirmed_at": None})))
    code, counts = run("import", str(write(tmp_path / "b.jsonl", ANA)))
    assert (code, counts) == (0, {"imported": 0, "updated": 1, "unchanged": 0})


def test_show_and_withdraw(tmp_path: Path) -> None:
    run("import", str(write(tmp_path / "a.jsonl", ANA)))
    [item] = run("list", "--status", "confirmed")[1]["objections"]
    assert run("show", item["id"])[1]["names"] == ["Ana Pérez"]
    code, withdrawn = run("withdraw", item["id"])
    assert (code, withdrawn["status"]) == (0, "withdrawn")
    assert run("list", "--status", "confirmed")[1]["objections"] == []


def test_unknown_id_is_bad_input() -> None:
    code, payload = run("show", "no-such-id")
    assert code == 2 and "no objection" in payload["error"]


@pytest.mark.parametrize(
    ("record", "field"),
    [
        ({"country": "ES"}, "email"),
        ({"email": "not-an-email"}, "email"),
        ({"email": "a@example.org", "submitted_at": "2026-13-01T00:00:00Z"}, "submitted_at"),
        ({"email": "a@example.org", "confirmed_at": "2026-05-01"}, "confirmed_at"),
        ({"email": "a@example.org", "names": ["A B", "C D", "E F", "G H", "I J", "K L"]}, "names"),
        ({"email": "a@example.org", "names": ["Madonna"]}, "names"),
        ({"email": "a@example.org", "handles": "@ana"}, "handles"),
    ],
)
def test_bad_rows_fail_with_file_line_field(tmp_path: Path, record: dict, field: str) -> None:
    file = write(tmp_path / "bad.jsonl", ANA, record)
    code, payload = run("import", str(file))
    assert code == 2
    [error] = payload["errors"]
    assert (error["file"], error["row"], error["field"]) == ("bad.jsonl", 2, field)
    assert "example.org" not in json.dumps(payload) and "not-an-email" not in json.dumps(payload)
    assert run("list")[1]["objections"] == []  # nothing imported


def test_missing_file_is_bad_input(tmp_path: Path) -> None:
    assert run("import", str(tmp_path / "nope.jsonl"))[0] == 2
