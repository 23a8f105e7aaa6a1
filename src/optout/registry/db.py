"""Opening the registry: engine with durable SQLite settings, migrations, sessions."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.orm import Session, sessionmaker

from optout.config import get_settings
from optout.keys import Pseudonymizer

PACKAGE_DIR = Path(__file__).resolve().parent
ALEMBIC_INI = PACKAGE_DIR / "alembic.ini"
MIGRATIONS_DIR = PACKAGE_DIR / "migrations"
READ_ONLY = "optout_read_only"
SQLITE_BUSY_TIMEOUT_MS = 60_000
_MIGRATION_LOCK = threading.Lock()  # Alembic's ``context`` is process-global, not thread-safe


def normalize_url(url: str) -> str:
    """Make ``postgresql://`` (and ``postgres://``) URLs use the psycopg 3 driver."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def create_registry_engine(url: str | None = None) -> sa.Engine:
    """An engine for the registry URL (default ``OPTOUT_DATABASE_URL``)."""
    url = normalize_url(url or get_settings().database_url)
    if sa.make_url(url).get_backend_name() == "sqlite":
        return _sqlite_engine(url)
    return sa.create_engine(url, pool_pre_ping=True)


def _sqlite_engine(url: str) -> sa.Engine:
    engine = sa.create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
    sa.event.listen(engine, "connect", _configure_sqlite_connection)
    sa.event.listen(engine, "begin", _begin_sqlite_transaction)
    return engine


def _configure_sqlite_connection(dbapi_connection: Any, _record: Any) -> None:
    """WAL, foreign keys, fsync on every commit; transactions are begun by optout itself."""
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    for pragma in (
        "journal_mode=WAL",
        "foreign_keys=ON",
        "synchronous=FULL",
        f"busy_timeout={SQLITE_BUSY_TIMEOUT_MS}",
        "cache_size=-131072",  # 128 MiB: bulk imports update indexes on random keys
    ):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def _begin_sqlite_transaction(conn: sa.Connection) -> None:
    """Writers take SQLite's write lock up front (BEGIN IMMEDIATE): one writer at a time."""
    read_only = conn.get_execution_options().get(READ_ONLY, False)
    conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def alembic_config(connection: sa.Connection | None = None) -> Config:
    """The packaged Alembic configuration, optionally bound to an open connection."""
    config = Config(str(ALEMBIC_INI))
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def migrate(engine: sa.Engine) -> None:
    """Bring the schema to the newest revision (``upgrade head``); a no-op when it is there."""
    config = alembic_config()
    heads = set(ScriptDirectory.from_config(config).get_heads())
    with engine.connect() as conn:
        current = set(MigrationContext.configure(conn).get_current_heads())
        conn.rollback()
    if current == heads:
        return
    with _MIGRATION_LOCK, engine.connect() as conn:
        command.upgrade(alembic_config(conn), "head")
        conn.commit()


def _read_only(engine: sa.Engine) -> sa.Engine:
    """Read sessions see one snapshot: REPEATABLE READ on PostgreSQL, a plain BEGIN on SQLite."""
    if engine.dialect.name == "postgresql":
        return engine.execution_options(isolation_level="REPEATABLE READ", **{READ_ONLY: True})
    return engine.execution_options(**{READ_ONLY: True})


class Registry:
    """An open registry: its engine and sessions that commit (or roll back) as a unit."""

    def __init__(self, engine: sa.Engine, pseudonymizer: Pseudonymizer | None = None) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._read_sessions = sessionmaker(_read_only(engine), expire_on_commit=False)
        self._pseudonymizer = pseudonymizer

    @property
    def pseudonymizer(self) -> Pseudonymizer:
        if self._pseudonymizer is None:
            self._pseudonymizer = Pseudonymizer(get_settings().secret)
        return self._pseudonymizer

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A write transaction: committed when the block ends, rolled back on an error."""
        with self._sessions() as session, session.begin():
            session.info["pseudonymizer"] = self.pseudonymizer
            yield session

    @contextmanager
    def read_session(self) -> Iterator[Session]:
        """A read-only transaction that never blocks writers (on SQLite a plain BEGIN)."""
        with self._read_sessions() as session:
            session.info["pseudonymizer"] = self.pseudonymizer
            try:
                yield session
            finally:
                session.rollback()

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Registry:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def open_registry(
    url: str | None = None, *, pseudonymizer: Pseudonymizer | None = None
) -> Registry:
    """Open (and migrate, idempotently) the registry at ``url`` or ``OPTOUT_DATABASE_URL``."""
    engine = create_registry_engine(url)
    try:
        migrate(engine)
    except Exception:
        engine.dispose()
        raise
    return Registry(engine, pseudonymizer)


def pseudonymizer_of(session: Session) -> Pseudonymizer:
    """The pseudonymizer of the registry that opened ``session`` (else from the settings)."""
    found = session.info.get("pseudonymizer")
    if found is None:
        found = session.info["pseudonymizer"] = Pseudonymizer(get_settings().secret)
    return found
