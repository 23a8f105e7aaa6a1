"""The append-only audit log: hash-chained entries, serialised appends, verification."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from optout.keys import Pseudonymizer
from optout.registry.bulk import bulk_insert
from optout.registry.db import sqlite_driver
from optout.registry.models import GENESIS_HASH, AuditEntry, AuditHead

HEAD_ID = 1


@dataclass(frozen=True, slots=True)
class AuditEvent:
    """What to record: an action, a pseudonymous subject and details free of personal data."""

    action: str
    subject: str
    details: dict[str, Any]


@dataclass(frozen=True, slots=True)
class ChainHead:
    """The last entry of the chain (seq 0 and the genesis hash when the log is empty)."""

    seq: int
    hash: str


@dataclass(frozen=True, slots=True)
class ChainReport:
    """The outcome of ``verify_chain``: ok, or the first bad seq and what is wrong there."""

    ok: bool
    entries: int
    head_seq: int
    head_hash: str
    first_bad_seq: int | None = None
    problem: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def email_subject(pseudonymizer: Pseudonymizer, email: str) -> str:
    """The audit subject of a person known by email: the keyed pseudonym, never the address."""
    return "email:" + pseudonymizer.email(email)


def account_subject(pseudonymizer: Pseudonymizer, account_id: str) -> str:
    """The audit subject of a platform account: the keyed author pseudonym."""
    return "account:" + pseudonymizer.author(account_id)


def format_ts(ts: datetime) -> str:
    """The canonical text of a timestamp: UTC, microseconds, ``Z``."""
    return ts.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry_hash(
    seq: int, ts: datetime, action: str, subject: str, details: dict[str, Any], prev_hash: str
) -> str:
    """SHA-256 over the canonical JSON of (seq, ts, action, subject, details, prev_hash)."""
    return _hash(seq, format_ts(ts), action, subject, details, prev_hash)


def _hash(
    seq: int, ts_text: str, action: str, subject: str, details: dict[str, Any], prev_hash: str
) -> str:
    canonical = _CANONICAL_JSON([seq, ts_text, action, subject, details, prev_hash])
    return hashlib.sha256(canonical.encode()).hexdigest()


# json.dumps(..., sort_keys=True, separators=(",", ":"), ensure_ascii=False), built once
_CANONICAL_JSON = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode


def lock_head(session: Session) -> ChainHead:
    """Read the chain head, locking it until commit (SQLite: the BEGIN IMMEDIATE lock)."""
    driver = sqlite_driver(session)
    if driver is not None:  # BEGIN IMMEDIATE took SQLite's write lock: a plain read
        seq, hash_ = driver.execute(_READ_HEAD, (HEAD_ID,)).fetchone()
    else:
        seq, hash_ = session.execute(_LOCK_HEAD).one()
    return ChainHead(seq, hash_)


def read_head(session: Session) -> ChainHead:
    """The chain head as recorded, without locking it."""
    row = session.execute(
        sa.select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == HEAD_ID)
    ).one()
    return ChainHead(row.seq, row.hash)


def append(session: Session, action: str, subject: str, details: dict[str, Any]) -> ChainHead:
    """Append one entry in the caller's transaction; returns the new head."""
    return append_many(session, [AuditEvent(action, subject, details)])


def append_many(
    session: Session, events: Sequence[AuditEvent], ts: datetime | None = None
) -> ChainHead:
    """Append entries in order, in the caller's transaction, as one locked step."""
    head = lock_head(session)
    if not events:
        return head
    ts = ts or datetime.now(UTC)
    rows = list(_chain_rows(head, events, ts))
    bulk_insert(session, AuditEntry.__table__, rows)
    new_head = ChainHead(rows[-1]["seq"], rows[-1]["hash"])
    driver = sqlite_driver(session)
    if driver is not None:
        driver.execute(_SET_HEAD, (new_head.seq, new_head.hash, HEAD_ID))
    else:
        session.execute(_UPDATE_HEAD, {"seq": new_head.seq, "hash": new_head.hash})
    return new_head


_HEAD: sa.Table = AuditHead.__table__  # type: ignore[assignment]
# Core statements, built once: the ORM path costs more than these one-row statements
_LOCK_HEAD = sa.select(_HEAD.c.seq, _HEAD.c.hash).where(_HEAD.c.id == HEAD_ID).with_for_update()
_READ_HEAD = "SELECT seq, hash FROM audit_head WHERE id = ?"
_SET_HEAD = "UPDATE audit_head SET seq = ?, hash = ? WHERE id = ?"
_UPDATE_HEAD = _HEAD.update().where(_HEAD.c.id == HEAD_ID).values(
    seq=sa.bindparam("seq"), hash=sa.bindparam("hash")
)


def _chain_rows(
    head: ChainHead, events: Iterable[AuditEvent], ts: datetime
) -> Iterable[dict[str, Any]]:
    seq, prev, ts_text = head.seq, head.hash, format_ts(ts)
    for event in events:
        seq += 1
        digest = _hash(seq, ts_text, event.action, event.subject, event.details, prev)
        yield {
            "seq": seq,
            "ts": ts,
            "action": event.action,
            "subject": event.subject,
            "details": event.details,
            "prev_hash": prev,
            "hash": digest,
        }
        prev = digest


def verify_chain(session: Session, expected_head: str | None = None) -> ChainReport:
    """Recompute the chain; find the first edited, deleted or reordered entry.

    ``expected_head`` is a head hash exported earlier (``optout audit head``): the chain
    must still contain it, so entries cut from the end are found too.
    """
    walk = _ChainWalk()
    columns = [getattr(AuditEntry, name) for name in _ENTRY_FIELDS]
    result = session.execute(sa.select(*columns).order_by(AuditEntry.seq)).yield_per(10_000)
    for row in result:
        if not walk.step(row, expected_head):
            break
    if walk.problem is None:
        walk.check_end(read_head(session), expected_head)
    return walk.report()


_ENTRY_FIELDS = ("seq", "ts", "action", "subject", "details", "prev_hash", "hash")


class _ChainWalk:
    """State of one pass over the log in seq order."""

    def __init__(self) -> None:
        self.count = 0
        self.last = ChainHead(0, GENESIS_HASH)
        self.hashes_seen_head = False
        self.problem: str | None = None
        self.first_bad: int | None = None

    def fail(self, seq: int, problem: str) -> bool:
        self.first_bad, self.problem = seq, problem
        return False

    def step(self, row: Any, expected_head: str | None = None) -> bool:
        expected = self.last.seq + 1
        if row.seq != expected:
            return self.fail(expected, f"entry {expected} is missing (deleted or renumbered)")
        if row.prev_hash != self.last.hash:
            return self.fail(
                row.seq, f"entry {row.seq} does not follow entry {expected - 1} (reordered?)"
            )
        fields = (row.seq, row.ts, row.action, row.subject, row.details, row.prev_hash)
        if entry_hash(*fields) != row.hash:
            return self.fail(row.seq, f"entry {row.seq} was altered (its hash does not match)")
        self.count += 1
        self.last = ChainHead(row.seq, row.hash)
        self.hashes_seen_head = self.hashes_seen_head or row.hash == expected_head
        return True

    def check_end(self, recorded: ChainHead, expected_head: str | None) -> None:
        after = self.last.seq + 1
        if recorded != self.last:
            self.fail(
                after,
                f"the recorded chain head is entry {recorded.seq} but the log ends at entry "
                f"{self.last.seq} (entries removed from the end?)",
            )
        elif expected_head not in (None, GENESIS_HASH) and not self.hashes_seen_head:
            self.fail(
                after,
                "the exported head hash is not in the chain: entries after "
                f"entry {self.last.seq} were removed, or the chain was rewritten",
            )

    def report(self) -> ChainReport:
        return ChainReport(
            ok=self.problem is None,
            entries=self.count,
            head_seq=self.last.seq,
            head_hash=self.last.hash,
            first_bad_seq=self.first_bad,
            problem=self.problem,
        )
