"""Initial registry schema: objections, notices, audit chain, counters, datasets, models."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "audit_log",
        sa.Column(
            "seq",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=False,
            nullable=False,
        ),
        sa.Column("ts", sa.DateTime(timezone=True), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("subject", sa.String(length=128), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq"),
    )
    op.create_table(
        "datasets",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("path", sa.String(length=4096), nullable=False),
        sa.Column("table_id", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("path", "table_id", name="uq_datasets_path_table"),
    )
    op.create_table(
        "notices",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("account_id", sa.String(length=255), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("channel IN ('email', 'in_app')", name="ck_notices_channel"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("account_id", "channel", "sent_at", name="uq_notices_account"),
    )
    op.create_table(
        "objections",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("email_normalized", sa.String(length=320), nullable=True),
        sa.Column("account_id", sa.String(length=255), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("names", sa.JSON(), nullable=False),
        sa.Column("handles", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("confirm_seq", sa.BigInteger(), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("source IN ('import', 'portal', 'api')", name="ck_objections_source"),
        sa.CheckConstraint(
            "status IN ('pending', 'confirmed', 'withdrawn')", name="ck_objections_status"
        ),
        sa.CheckConstraint(
            "email_normalized IS NOT NULL OR account_id IS NOT NULL", name="ck_objections_identity"
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("confirm_seq"),
    )
    op.create_index(
        "ux_objections_account",
        "objections",
        ["account_id"],
        unique=True,
        sqlite_where=sa.text("email_normalized IS NULL"),
        postgresql_where=sa.text("email_normalized IS NULL"),
    )
    op.create_index(
        "ux_objections_email",
        "objections",
        ["email_normalized"],
        unique=True,
        sqlite_where=sa.text("email_normalized IS NOT NULL"),
        postgresql_where=sa.text("email_normalized IS NOT NULL"),
    )
    op.create_table(
        "registry_counters",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_table(
        "dataset_versions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("dataset_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("built_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("as_of", sa.DateTime(timezone=True), nullable=False),
        sa.Column("watermark", sa.BigInteger(), nullable=False),
        sa.Column("rows_out", sa.BigInteger(), nullable=False),
        sa.Column("manifest_sha256", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.CheckConstraint("status IN ('built', 'purged')", name="ck_dataset_versions_status"),
        sa.ForeignKeyConstraint(["dataset_id"], ["datasets.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("dataset_id", "version", name="uq_dataset_versions"),
    )
    op.create_table(
        "dataset_holdings",
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.CheckConstraint("kind IN ('author', 'email')", name="ck_dataset_holdings_kind"),
        sa.ForeignKeyConstraint(["version_id"], ["dataset_versions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("version_id", "kind", "key"),
    )
    op.create_index("ix_dataset_holdings_key", "dataset_holdings", ["kind", "key"], unique=False)
    op.create_table(
        "models",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("version", sa.String(length=255), nullable=False),
        sa.Column("dataset_version_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["dataset_version_id"],
            ["dataset_versions.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name", "version", name="uq_models_name_version"),
    )
    _seed()


def _seed() -> None:
    """The confirmation counter starts at 0; the empty chain's head is the genesis hash."""
    op.execute(sa.text("INSERT INTO registry_counters (name, value) VALUES ('confirm_seq', 0)"))
    op.execute(sa.text(f"INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '{'0' * 64}')"))


def downgrade() -> None:
    op.drop_table("models")
    op.drop_index("ix_dataset_holdings_key", table_name="dataset_holdings")
    op.drop_table("dataset_holdings")
    op.drop_table("dataset_versions")
    op.drop_table("registry_counters")
    op.drop_index(
        "ux_objections_email",
        table_name="objections",
        sqlite_where=sa.text("email_normalized IS NOT NULL"),
        postgresql_where=sa.text("email_normalized IS NOT NULL"),
    )
    op.drop_index(
        "ux_objections_account",
        table_name="objections",
        sqlite_where=sa.text("email_normalized IS NULL"),
        postgresql_where=sa.text("email_normalized IS NULL"),
    )
    op.drop_table("objections")
    op.drop_table("notices")
    op.drop_table("datasets")
    op.drop_table("audit_log")
    op.drop_table("audit_head")
