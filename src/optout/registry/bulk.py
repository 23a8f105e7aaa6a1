"""Fast executemany inserts: on SQLite values are converted once, straight to the driver."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from operator import itemgetter
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from optout.registry.models import UTCDateTime


def bulk_insert(session: Session, table: sa.Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert ``rows`` (dicts with the same keys) in one executemany, in the session's transaction.

    SQLAlchemy's per-value bind processing dominates big SQLite imports, so on SQLite the
    values are converted here exactly as SQLAlchemy would store them and handed to the driver.
    """
    if not rows:
        return
    conn = session.connection()
    if conn.dialect.name != "sqlite":
        conn.execute(table.insert(), list(rows))
        return
    names = list(rows[0])
    placeholders = ", ".join("?" for _ in names)
    sql = f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({placeholders})"
    columns = [_sqlite_column(rows, name, table.c[name].type) for name in names]
    conn.connection.driver_connection.executemany(sql, zip(*columns, strict=True))


def _sqlite_column(
    rows: Sequence[dict[str, Any]], name: str, column_type: sa.types.TypeEngine[Any]
) -> list[Any]:
    """One column's values as SQLite stores them (converted column-wise: much faster)."""
    values = map(itemgetter(name), rows)
    if isinstance(column_type, UTCDateTime):
        memo: dict[datetime, str] = {}
        return [None if v is None else memo.get(v) or _memo_datetime(memo, v) for v in values]
    if isinstance(column_type, sa.JSON):
        return [None if v is None else "[]" if v == [] else _encode_json(v) for v in values]
    return list(values)


_encode_json = json.JSONEncoder().encode


def _memo_datetime(memo: dict[datetime, str], value: datetime) -> str:
    """SQLAlchemy's SQLite storage format: naive UTC ``YYYY-MM-DD HH:MM:SS.ffffff``."""
    if value.tzinfo is None:
        raise ValueError("registry timestamps must be timezone-aware")
    text = value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")
    memo[value] = text
    return text
