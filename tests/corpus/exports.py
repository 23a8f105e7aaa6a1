"""Hand-made exports for the reader tests: write rows as JSON Lines or Parquet."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

Row = dict[str, Any]


def account(account_id: str = "a1", **extra: Any) -> Row:
    row = {
        "account_id": account_id,
        "username": f"user_{account_id}",
        "email": f"{account_id}@example.org",
        "country": "ES",
        "birth_date": "1990-05-01",
        "created_at": "2024-01-01T00:00:00Z",
        "ai_training_opt_out": False,
    }
    return {**row, **extra}


def post(content_id: str = "c1", account_id: str = "a1", **extra: Any) -> Row:
    row = {
        "content_id": content_id,
        "account_id": account_id,
        "kind": "post",
        "visibility": "public",
        "created_at": "2024-03-01T10:00:00+02:00",
        "text": "Secret text of ana@example.org",
        "mentions": [],
        "noai": False,
    }
    return {**row, **extra}


def notice(account_id: str = "a1", **extra: Any) -> Row:
    return {
        "account_id": account_id,
        "channel": "email",
        "sent_at": "2024-02-01T00:00:00Z",
        **extra,
    }


def write_jsonl(path: Path, rows: list[Row | str]) -> Path:
    """One line per row; a str row is written verbatim (to make broken lines)."""
    lines = [row if isinstance(row, str) else json.dumps(row) for row in rows]
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def write_export(
    root: Path,
    accounts: list[Row | str],
    content: list[Row | str],
    notices: list[Row | str] | None = None,
    fmt: str = "jsonl",
) -> Path:
    """An export directory with the given tables in one format."""
    root.mkdir(parents=True, exist_ok=True)
    tables = {"accounts": accounts, "content": content, "notices": notices}
    for name, rows in tables.items():
        if rows is None:
            continue
        if fmt == "jsonl":
            write_jsonl(root / f"{name}.jsonl", rows)
        else:
            pq.write_table(_columns(rows), root / f"{name}.parquet")  # type: ignore[arg-type]
    return root


def _columns(rows: list[Row]) -> pa.Table:
    """A table with every key that any row has (``from_pylist`` looks at the first only)."""
    names = list(dict.fromkeys(key for row in rows for key in row))
    return pa.table({name: [row.get(name) for row in rows] for name in names})
