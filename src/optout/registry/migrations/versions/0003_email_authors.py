"""Link each held email pseudonym to its author pseudonym, per dataset version."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dataset_email_authors",
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("email_key", sa.String(length=64), nullable=False),
        sa.Column("author_key", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["version_id"], ["dataset_versions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("version_id", "email_key", "author_key"),
    )


def downgrade() -> None:
    op.drop_table("dataset_email_authors")
