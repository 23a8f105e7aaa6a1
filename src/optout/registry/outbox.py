"""The transactional mail outbox and single-use links: tables and service functions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, Session, mapped_column

from optout.registry.bulk import bulk_insert
from optout.registry.models import Base

MAIL_STATUSES = ("pending", "sent", "failed")
CLAIM_LEASE = timedelta(minutes=2)  # a claimed message is retried after this if never marked
_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


class OutboxMail(Base):
    """One email waiting to be sent (or sent: then its recipient and body are cleared)."""

    __tablename__ = "mail_outbox"
    __table_args__ = (
        sa.Index("ix_mail_outbox_due", "status", "next_attempt_at"),
        sa.CheckConstraint("status IN ('pending', 'sent', 'failed')", name="ck_mail_status"),
    )

    id: Mapped[int] = mapped_column(_ID, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(sa.String(32))
    recipient: Mapped[str | None] = mapped_column(sa.String(320))
    message: Mapped[str | None] = mapped_column(sa.Text())
    status: Mapped[str] = mapped_column(sa.String(16), default="pending")
    attempts: Mapped[int] = mapped_column(sa.Integer(), default=0)
    last_error: Mapped[str | None] = mapped_column(sa.String(200))
    created_at: Mapped[datetime]
    next_attempt_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]


class UsedLink(Base):
    """The id of a single-use signed link that was used (a second use is refused)."""

    __tablename__ = "used_links"

    jti: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    used_at: Mapped[datetime]


@dataclass(frozen=True, slots=True)
class QueuedMail:
    """A claimed message, ready for the transport."""

    id: int
    kind: str
    recipient: str
    message: str
    attempts: int


def enqueue_mail(
    session: Session, *, kind: str, recipient: str, message: str, now: datetime | None = None
) -> int:
    """Store a message in the caller's transaction; the sender delivers it after commit."""
    now = now or datetime.now(UTC)
    mail = OutboxMail(kind=kind, recipient=recipient, message=message, status="pending",
                      attempts=0, created_at=now, next_attempt_at=now)  # fmt: skip
    session.add(mail)
    session.flush()
    return mail.id


@dataclass(frozen=True, slots=True)
class NewMail:
    """A message to queue: its kind, recipient and RFC 5322 text."""

    kind: str
    recipient: str
    message: str


def enqueue_mails(session: Session, mails: Sequence[NewMail], now: datetime | None = None) -> None:
    """Store many messages in the caller's transaction, in one statement (no ids returned)."""
    now = now or datetime.now(UTC)
    rows = [{"kind": m.kind, "recipient": m.recipient, "message": m.message, "status": "pending",
             "attempts": 0, "created_at": now, "next_attempt_at": now} for m in mails]  # fmt: skip
    bulk_insert(session, OutboxMail.__table__, rows)  # type: ignore[arg-type]


def claim_due_mail(session: Session, *, limit: int = 50, now: datetime | None = None
                   ) -> list[QueuedMail]:  # fmt: skip
    """Claim up to ``limit`` due messages: leased for CLAIM_LEASE, their attempt counted."""
    now = now or datetime.now(UTC)
    query = (
        sa.select(OutboxMail.id, OutboxMail.kind, OutboxMail.recipient, OutboxMail.message,
                  OutboxMail.attempts)
        .where(OutboxMail.status == "pending", OutboxMail.next_attempt_at <= now)
        .order_by(OutboxMail.next_attempt_at, OutboxMail.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )  # fmt: skip
    claimed = [
        QueuedMail(mail_id, kind, recipient or "", message or "", attempts + 1)
        for mail_id, kind, recipient, message, attempts in session.execute(query)
    ]
    if claimed:
        session.execute(
            sa.update(OutboxMail).where(OutboxMail.id.in_([mail.id for mail in claimed]))
            .values(attempts=OutboxMail.attempts + 1, next_attempt_at=now + CLAIM_LEASE)
        )  # fmt: skip
    return claimed


def mark_mail_sent(session: Session, ids: list[int], now: datetime | None = None) -> None:
    """Mark messages sent and forget their recipient and body (no personal data kept)."""
    if ids:
        session.execute(
            sa.update(OutboxMail).where(OutboxMail.id.in_(ids))
            .values(status="sent", sent_at=now or datetime.now(UTC), recipient=None, message=None)
        )  # fmt: skip


def reschedule_mail(session: Session, mail_id: int, *, error: str, retry_at: datetime) -> None:
    """Record a temporary failure; the message is tried again at ``retry_at``."""
    session.execute(
        sa.update(OutboxMail).where(OutboxMail.id == mail_id)
        .values(next_attempt_at=retry_at, last_error=error[:200])
    )  # fmt: skip


def fail_mail(session: Session, mail_id: int, *, error: str) -> None:
    """Give up on a message the server refused for good (e.g. a rejected recipient)."""
    session.execute(
        sa.update(OutboxMail).where(OutboxMail.id == mail_id)
        .values(status="failed", last_error=error[:200], message=None)
    )  # fmt: skip


def mail_counts(session: Session) -> dict[str, int]:
    """How many messages are pending, sent and failed."""
    query = sa.select(OutboxMail.status, sa.func.count()).group_by(OutboxMail.status)
    counts = dict.fromkeys(MAIL_STATUSES, 0)
    counts.update({status: count for status, count in session.execute(query)})
    return counts


def next_due_at(session: Session) -> datetime | None:
    """When the earliest pending message is due (None when nothing is pending)."""
    query = sa.select(sa.func.min(OutboxMail.next_attempt_at)).where(
        OutboxMail.status == "pending"
    )
    return session.execute(query).scalar_one_or_none()


def use_link(session: Session, jti: str, now: datetime | None = None) -> bool:
    """Mark a single-use link used; False when it was used before."""
    if session.get(UsedLink, jti) is not None:
        return False
    session.add(UsedLink(jti=jti, used_at=now or datetime.now(UTC)))
    session.flush()
    return True


def link_used(session: Session, jti: str) -> bool:
    """Whether a single-use link was used already."""
    return session.get(UsedLink, jti) is not None
