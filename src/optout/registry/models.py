"""SQLAlchemy tables of the registry: objections, notices, the audit chain, datasets, models."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

OBJECTION_STATUSES = ("pending", "confirmed", "withdrawn")
OBJECTION_SOURCES = ("import", "portal", "api")
NOTICE_CHANNELS = ("email", "in_app")
VERSION_STATUSES = ("built", "purged")
HOLDING_KINDS = ("author", "email")
CONFIRM_SEQ = "confirm_seq"
GENESIS_HASH = "0" * 64


class UTCDateTime(sa.types.TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back as an aware UTC datetime."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("registry timestamps must be timezone-aware")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base of every registry table."""

    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: sa.JSON(),
    }


class Objection(Base):
    """One person's objection to AI training (interfaces §2)."""

    __tablename__ = "objections"
    __table_args__ = (
        sa.Index(
            "ux_objections_email",
            "email_normalized",
            unique=True,
            sqlite_where=sa.text("email_normalized IS NOT NULL"),
            postgresql_where=sa.text("email_normalized IS NOT NULL"),
        ),
        sa.Index(
            "ux_objections_account",
            "account_id",
            unique=True,
            sqlite_where=sa.text("email_normalized IS NULL"),
            postgresql_where=sa.text("email_normalized IS NULL"),
        ),
        sa.CheckConstraint(
            "email_normalized IS NOT NULL OR account_id IS NOT NULL", name="ck_objections_identity"
        ),
        sa.CheckConstraint(
            "status IN ('pending', 'confirmed', 'withdrawn')", name="ck_objections_status"
        ),
        sa.CheckConstraint("source IN ('import', 'portal', 'api')", name="ck_objections_source"),
    )

    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    email: Mapped[str | None] = mapped_column(sa.String(320))
    email_normalized: Mapped[str | None] = mapped_column(sa.String(320))
    account_id: Mapped[str | None] = mapped_column(sa.String(255))
    country: Mapped[str | None] = mapped_column(sa.String(2))
    reason: Mapped[str | None] = mapped_column(sa.Text)
    names: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    handles: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    status: Mapped[str] = mapped_column(sa.String(16))
    submitted_at: Mapped[datetime]
    confirmed_at: Mapped[datetime | None]
    withdrawn_at: Mapped[datetime | None]
    confirm_seq: Mapped[int | None] = mapped_column(sa.BigInteger, unique=True)
    source: Mapped[str] = mapped_column(sa.String(16))
    updated_at: Mapped[datetime]


class Notice(Base):
    """A record that an account was told its public data may train AI."""

    __tablename__ = "notices"
    __table_args__ = (
        sa.UniqueConstraint("account_id", "channel", "sent_at", name="uq_notices_account"),
        sa.CheckConstraint("channel IN ('email', 'in_app')", name="ck_notices_channel"),
    )

    id: Mapped[int] = mapped_column(
        sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    account_id: Mapped[str] = mapped_column(sa.String(255))
    channel: Mapped[str] = mapped_column(sa.String(16))
    sent_at: Mapped[datetime]
    recorded_at: Mapped[datetime]


class Counter(Base):
    """A named counter (``confirm_seq``) advanced under a row lock, so values commit in order."""

    __tablename__ = "registry_counters"

    name: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    value: Mapped[int] = mapped_column(sa.BigInteger)


class AuditEntry(Base):
    """One link of the append-only, hash-chained audit log."""

    __tablename__ = "audit_log"

    seq: Mapped[int] = mapped_column(
        sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=False
    )
    ts: Mapped[datetime]
    action: Mapped[str] = mapped_column(sa.String(64))
    subject: Mapped[str] = mapped_column(sa.String(128))
    details: Mapped[dict[str, Any]]
    prev_hash: Mapped[str] = mapped_column(sa.String(64))
    hash: Mapped[str] = mapped_column(sa.String(64))


class AuditHead(Base):
    """The single row naming the chain's last entry; locked by every append."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(sa.BigInteger)
    hash: Mapped[str] = mapped_column(sa.String(64))


class Dataset(Base):
    """A dataset: a Delta table (by its id) in a directory that builds write versions into.

    A directory deleted and built anew holds a new table, so it is a new dataset here.
    """

    __tablename__ = "datasets"
    __table_args__ = (sa.UniqueConstraint("path", "table_id", name="uq_datasets_path_table"),)

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    path: Mapped[str] = mapped_column(sa.String(4096))
    table_id: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime]


class DatasetVersion(Base):
    """One built Delta version of a dataset, with the watermark it applied."""

    __tablename__ = "dataset_versions"
    __table_args__ = (
        sa.UniqueConstraint("dataset_id", "version", name="uq_dataset_versions"),
        sa.CheckConstraint("status IN ('built', 'purged')", name="ck_dataset_versions_status"),
    )

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    dataset_id: Mapped[int] = mapped_column(sa.ForeignKey("datasets.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(sa.Integer)
    built_at: Mapped[datetime]
    as_of: Mapped[datetime]
    watermark: Mapped[int] = mapped_column(sa.BigInteger)
    rows_out: Mapped[int] = mapped_column(sa.BigInteger)
    manifest_sha256: Mapped[str] = mapped_column(sa.String(64))
    status: Mapped[str] = mapped_column(sa.String(16), default="built")


class DatasetHolding(Base):
    """A keyed pseudonym (of an author or of an author's email) that a version holds."""

    __tablename__ = "dataset_holdings"
    __table_args__ = (
        sa.Index("ix_dataset_holdings_key", "kind", "key"),
        sa.CheckConstraint("kind IN ('author', 'email')", name="ck_dataset_holdings_kind"),
    )

    version_id: Mapped[int] = mapped_column(
        sa.ForeignKey("dataset_versions.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(sa.String(8), primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(64), primary_key=True)


class DatasetEmailAuthor(Base):
    """Which author a held email pseudonym belongs to, so an objection by email finds rows."""

    __tablename__ = "dataset_email_authors"

    version_id: Mapped[int] = mapped_column(
        sa.ForeignKey("dataset_versions.id", ondelete="CASCADE"), primary_key=True
    )
    email_key: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    author_key: Mapped[str] = mapped_column(sa.String(64), primary_key=True)


class TrainedModel(Base):
    """A model trained on a dataset version, so a purge knows which models it concerns."""

    __tablename__ = "models"
    __table_args__ = (sa.UniqueConstraint("name", "version", name="uq_models_name_version"),)

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(sa.String(255))
    version: Mapped[str] = mapped_column(sa.String(255))
    dataset_version_id: Mapped[int] = mapped_column(sa.ForeignKey("dataset_versions.id"))
    recorded_at: Mapped[datetime]
