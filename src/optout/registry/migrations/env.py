"""Alembic environment: migrates the connection optout passes in, or OPTOUT_DATABASE_URL."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context

from optout.registry import outbox  # noqa: F401  (its tables join Base.metadata)
from optout.registry.models import Base

MIGRATION_LOCK_ID = 0x6F70746F7574  # "optout": serialises concurrent upgrades on PostgreSQL


def _run(connection: sa.Connection) -> None:
    context.configure(connection=connection, target_metadata=Base.metadata)
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            connection.execute(
                sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": MIGRATION_LOCK_ID}
            )
        context.run_migrations()


def run_migrations_online() -> None:
    """Use the connection from ``optout.registry.db.migrate``, else open the configured URL."""
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    from optout.registry.db import create_registry_engine

    engine = create_registry_engine()
    try:
        with engine.connect() as conn:
            _run(conn)
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("optout's registry migrations run online only")
run_migrations_online()
