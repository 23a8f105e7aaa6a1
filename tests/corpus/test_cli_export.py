"""``optout export check``: exit codes, named errors, --skip-invalid and --json."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from optout.cli import app
from tests.corpus.exports import account, post, write_export

runner = CliRunner()


def test_one_bad_line_names_file_line_and_field_and_exits_2(tmp_path: Path) -> None:
    root = write_export(tmp_path / "x", [account()], [post(), post("c2", kind="telepathy")])
    result = runner.invoke(app, ["export", "check", str(root)])
    assert result.exit_code == 2
    assert "content.jsonl line 2: kind: kind 'telepathy' is not one of" in result.output


def test_skip_invalid_counts_and_exits_0(tmp_path: Path) -> None:
    root = write_export(tmp_path / "x", [account()], [post(), "{broken"])
    result = runner.invoke(app, ["export", "check", str(root), "--skip-invalid", "--json"])
    assert result.exit_code == 0
    payload = json.loads(result.stdout)
    assert payload["accounts"] == 1 and payload["content"] == 1 and payload["invalid"] == 1
    assert payload["errors"] == [
        {"file": "content.jsonl", "row": 2, "field": "-", "reason": "line is not valid JSON"}
    ]


def test_json_is_printed_whatever_the_exit_code(tmp_path: Path) -> None:
    root = write_export(tmp_path / "x", [account()], [post(account_id="ghost")])
    result = runner.invoke(app, ["export", "check", str(root), "--json"])
    assert result.exit_code == 2
    payload = json.loads(result.stdout)
    assert payload["invalid"] == 1 and payload["errors"][0]["field"] == "account_id"


def test_valid_export_exits_0(tmp_path: Path) -> None:
    root = write_export(tmp_path / "x", [account()], [post()])
    result = runner.invoke(app, ["export", "check", str(root)])
    assert result.exit_code == 0
    assert "invalid: 0" in result.stdout


def test_missing_directory_or_file_is_exit_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["export", "check", str(tmp_path / "nope"), "--json"])
    assert result.exit_code == 2
    assert "does not exist" in json.loads(result.stdout)["error"]
    root = write_export(tmp_path / "x", [account()], [post()])
    (root / "accounts.jsonl").unlink()
    result = runner.invoke(app, ["export", "check", str(root)])
    assert result.exit_code == 2
    assert "accounts.jsonl" in result.output
