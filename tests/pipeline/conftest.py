"""Hand-made exports and a build runner for the pipeline tests."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from optout.cli import app

AS_OF = "2026-06-01T00:00:00Z"


def account(account_id: str, **fields: Any) -> dict[str, Any]:
    """An adult EEA account, notified long ago, unless ``fields`` say otherwise."""
    row = {
        "account_id": account_id,
        "username": f"user_{account_id}",
        "display_name": f"Person {account_id.title()}",
        "email": f"{account_id}@example.org",
        "country": "DE",
        "birth_date": "1990-04-02",
        "created_at": "2020-01-01T00:00:00Z",
    }
    row.update(fields)
    return row


def post(content_id: str, account_id: str, text: str, **fields: Any) -> dict[str, Any]:
    """A public post written before the as-of time, unless ``fields`` say otherwise."""
    row = {
        "content_id": content_id,
        "account_id": account_id,
        "kind": "post",
        "visibility": "public",
        "created_at": "2026-01-15T12:00:00Z",
        "text": text,
    }
    row.update(fields)
    return row


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), "utf-8")
    return path


def write_export(
    directory: Path,
    accounts: list[dict[str, Any]],
    content: list[dict[str, Any]],
    notified: list[str] | None = None,
) -> Path:
    """Write an export; every account is notified in 2025 unless ``notified`` lists who is."""
    directory.mkdir(parents=True, exist_ok=True)
    write_jsonl(directory / "accounts.jsonl", accounts)
    write_jsonl(directory / "content.jsonl", content)
    ids = [a["account_id"] for a in accounts] if notified is None else notified
    notices = [
        {"account_id": i, "channel": "email", "sent_at": "2025-01-01T00:00:00Z"} for i in ids
    ]
    write_jsonl(directory / "notices.jsonl", notices)
    return directory


def invoke(*args: str) -> tuple[int, dict[str, Any]]:
    result = CliRunner().invoke(app, [*args, "--json"])
    try:
        payload = json.loads(result.stdout)
    except json.JSONDecodeError:
        raise AssertionError(
            f"not JSON (exit {result.exit_code}): {result.output} {result.exception!r}"
        ) from result.exception
    return result.exit_code, payload


@pytest.fixture
def import_objections(tmp_path: Path) -> Callable[[list[dict[str, Any]]], dict[str, Any]]:
    def run(rows: list[dict[str, Any]]) -> dict[str, Any]:
        path = write_jsonl(tmp_path / f"objections-{len(rows)}-{id(rows)}.jsonl", rows)
        code, payload = invoke("objections", "import", str(path))
        assert code == 0, payload
        return payload

    return run


@pytest.fixture
def build(tmp_path: Path) -> Callable[..., dict[str, Any]]:
    def run(
        export: Path,
        out: Path | None = None,
        *,
        policy: str | None = None,
        as_of: str = AS_OF,
        expect: int = 0,
        extra: tuple[str, ...] = ("--workers", "0"),
    ) -> dict[str, Any]:
        args = ["build", str(export), "--out", str(out or tmp_path / "dataset"), "--as-of", as_of]
        if policy is not None:
            args += ["--policy", str(write_policy(tmp_path, policy))]
        code, payload = invoke(*args, *extra)
        assert code == expect, payload
        return payload

    return run


def write_policy(directory: Path, text: str) -> Path:
    path = directory / "policy.toml"
    path.write_text(text, encoding="utf-8")
    return path


def dataset_rows(dataset: Path) -> list[dict[str, Any]]:
    from deltalake import DeltaTable

    return DeltaTable(str(dataset / "data")).to_pyarrow_table().to_pylist()
