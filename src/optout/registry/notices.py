"""Notices: when an account was told its public data may train AI; import and queries."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from optout.errors import InputError, RowError
from optout.registry import audit
from optout.registry.bulk import bulk_insert
from optout.registry.fields import FieldProblem, required_text, timestamp_field
from optout.registry.files import read_valid_rows
from optout.registry.models import NOTICE_CHANNELS, Notice
from optout.registry.objections import lock_registry

CHUNK_SIZE = 5_000


@dataclass(frozen=True, slots=True)
class NoticeRow:
    """One validated notice."""

    account_id: str
    channel: str
    sent_at: datetime

    @property
    def key(self) -> tuple[str, str, datetime]:
        return (self.account_id, self.channel, self.sent_at)


def parse_notice(record: dict[str, Any]) -> NoticeRow:
    """Validate one notice record (interfaces §1); raises FieldProblem."""
    channel = required_text(record, "channel", max_length=16)
    if channel not in NOTICE_CHANNELS:
        raise FieldProblem("channel", f"must be one of {', '.join(NOTICE_CHANNELS)}")
    sent_at = timestamp_field(record, "sent_at", required=True)
    assert sent_at is not None
    return NoticeRow(required_text(record, "account_id"), channel, sent_at)


def read_notice_file(path: Path, errors: list[RowError]) -> Iterator[NoticeRow]:
    """Yield valid rows until the first bad one; then only collect ``errors``."""
    return read_valid_rows(path, parse_notice, errors)


def import_notice_file(
    session: Session, path: Path, progress: Callable[[int], None] | None = None
) -> dict[str, int]:
    """Import a JSON Lines or Parquet notices file; any bad row fails it all (exit 2)."""
    errors: list[RowError] = []
    result = import_notices(session, read_notice_file(path, errors), progress=progress)
    if errors:
        raise InputError(f"{path.name}: {len(errors)} invalid row(s); nothing imported", errors)
    return result


def import_notices(
    session: Session,
    rows: Iterable[NoticeRow],
    *,
    now: datetime | None = None,
    progress: Callable[[int], None] | None = None,
) -> dict[str, int]:
    """Record notices not yet known; one audit entry per batch that recorded any."""
    lock_registry(session)
    now = now or datetime.now(UTC)
    counts = {"imported": 0, "unchanged": 0}
    rows = iter(rows)
    while chunk := list(islice(rows, CHUNK_SIZE)):
        fresh = _unknown(session, chunk)
        if fresh:
            bulk_insert(session, Notice.__table__, [_values(row, now) for row in fresh])
        counts["imported"] += len(fresh)
        counts["unchanged"] += len(chunk) - len(fresh)
        if progress is not None:
            progress(len(chunk))
    if counts["imported"]:
        audit.append(session, "notices.imported", "notices", dict(counts))
    return counts


def _unknown(session: Session, chunk: Sequence[NoticeRow]) -> list[NoticeRow]:
    accounts = {row.account_id for row in chunk}
    query = sa.select(Notice.account_id, Notice.channel, Notice.sent_at).where(
        Notice.account_id.in_(accounts)
    )
    seen = {(r.account_id, r.channel, r.sent_at) for r in session.execute(query)}
    fresh = []
    for row in chunk:
        if row.key not in seen:
            seen.add(row.key)
            fresh.append(row)
    return fresh


def _values(row: NoticeRow, now: datetime) -> dict[str, Any]:
    return {"account_id": row.account_id, "channel": row.channel, "sent_at": row.sent_at,
            "recorded_at": now}  # fmt: skip


def record_notice(
    session: Session, account_id: str, channel: str, sent_at: datetime | None = None
) -> bool:
    """Record one notice (the mailer's path); False when it was already recorded."""
    row = NoticeRow(account_id, channel, sent_at or datetime.now(UTC))
    return import_notices(session, [row])["imported"] == 1


def first_notices(session: Session, before: datetime | None = None) -> dict[str, datetime]:
    """Each notified account's earliest notice (only notices sent before ``before``)."""
    query = sa.select(Notice.account_id, sa.func.min(Notice.sent_at)).group_by(Notice.account_id)
    if before is not None:
        query = query.where(Notice.sent_at <= before)
    return {account: first for account, first in session.execute(query)}


def notified_accounts(session: Session, before: datetime) -> set[str]:
    """Accounts that were sent a notice at or before ``before`` (e.g. as-of minus 30 days)."""
    query = sa.select(Notice.account_id).where(Notice.sent_at <= before).distinct()
    return set(session.execute(query).scalars())
