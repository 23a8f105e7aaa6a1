"""``optout notices import`` from JSON Lines and Parquet."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import typer
from typer.testing import CliRunner

from optout.cli import notices
from optout.registry import first_notices, notified_accounts, open_registry

app = typer.Typer()
app.add_typer(notices.app, name="notices")

ROWS = [
    {"account_id": "acc-1", "channel": "email", "sent_at": "2026-04-01T10:00:00Z"},
    {"account_id": "acc-1", "channel": "in_app", "sent_at": "2026-04-03T10:00:00Z"},
    {"account_id": "acc-2", "channel": "email", "sent_at": "2026-05-20T10:00:00+02:00"},
]


@pytest.fixture(autouse=True)
def registry_url(database_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("OPTOUT_DATABASE_URL", database_url)
    return database_url


def run(*args: str) -> tuple[int, dict]:
    result = CliRunner().invoke(app, ["notices", *args, "--json"])
    return result.exit_code, json.loads(result.stdout)


def test_jsonl_import_twice(tmp_path: Path, registry_url: str) -> None:
    file = tmp_path / "notices.jsonl"
    file.write_text("".join(json.dumps(r) + "\n" for r in ROWS))
    assert run("import", str(file)) == (0, {"imported": 3, "unchanged": 0})
    assert run("import", str(file)) == (0, {"imported": 0, "unchanged": 3})
    cutoff = datetime(2026, 5, 1, tzinfo=UTC)
    with open_registry(registry_url) as registry, registry.read_session() as session:
        assert notified_accounts(session, cutoff) == {"acc-1"}
        first = first_notices(session)
    assert first["acc-1"] == datetime(2026, 4, 1, 10, tzinfo=UTC)
    assert first["acc-2"] == datetime(2026, 5, 20, 8, tzinfo=UTC)


def test_parquet_with_native_timestamps(tmp_path: Path) -> None:
    sent = datetime(2026, 4, 1, 10, tzinfo=UTC)
    table = pa.table({
        "account_id": ["acc-1", "acc-2"],
        "channel": ["email", "in_app"],
        "sent_at": pa.array([sent, sent + timedelta(days=1)], pa.timestamp("us", tz="UTC")),
    })  # fmt: skip
    pq.write_table(table, tmp_path / "notices.parquet")
    assert run("import", str(tmp_path / "notices.parquet")) == (0, {"imported": 2, "unchanged": 0})


def test_bad_channel_is_reported_by_line(tmp_path: Path) -> None:
    file = tmp_path / "notices.jsonl"
    bad = {"account_id": "acc-3", "channel": "pigeon", "sent_at": "2026-04-01T10:00:00Z"}
    file.write_text("".join(json.dumps(r) + "\n" for r in [*ROWS, bad]))
    code, payload = run("import", str(file))
    assert code == 2
    assert payload["errors"] == [
        {"file": "notices.jsonl", "row": 4, "field": "channel",
         "reason": "must be one of email, in_app"},
    ]  # fmt: skip
