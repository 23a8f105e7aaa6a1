"""Opening the registry: engine with durable SQLite settings, migrations, sessions."""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
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
NO_WAIT = "optout_no_wait"
SQLITE_BUSY_TIMEOUT_MS = 60_000
_MIGRATION_LOCK = threading.Lock()  # Alembic's ``context`` is process-global, not thread-safe
MIGRATION_LOCK_ID = 0x6F70746F7575  # pg_advisory_lock key of migrate() (env.py uses ...74)
MIGRATION_LOCK_SUFFIX = "-migrate.lock"  # next to a SQLite file: serialises first opens


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
    """Writers take SQLite's write lock up front (BEGIN IMMEDIATE): one writer at a time.
    A no-wait writer gets "database is locked" at once where another process holds it."""
    options = conn.get_execution_options()
    if options.get(READ_ONLY, False):
        conn.exec_driver_sql("BEGIN")
    elif options.get(NO_WAIT, False):
        conn.exec_driver_sql("PRAGMA busy_timeout=0")
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        finally:
            conn.exec_driver_sql(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    else:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


_SQLITE_BUSY_CODES = (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


class RegistryBusy(Exception):
    """Another writer holds the registry's write lock (``write_session(wait=False)``)."""


def alembic_config(connection: sa.Connection | None = None) -> Config:
    """The packaged Alembic configuration, optionally bound to an open connection."""
    config = Config(str(ALEMBIC_INI))
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def migrate(engine: sa.Engine) -> None:
    """Bring the schema to the newest revision (``upgrade head``); a no-op when it is there.

    Processes opening a new registry at once take turns: a file lock next to a SQLite
    file, ``pg_advisory_lock`` on PostgreSQL; whoever comes second finds the schema at head.
    """
    config = alembic_config()
    heads = set(ScriptDirectory.from_config(config).get_heads())
    if _current_heads(engine) == heads:
        return
    with _MIGRATION_LOCK, _migration_lock(engine):
        if _current_heads(engine) == heads:
            return
        with engine.connect() as conn:
            command.upgrade(alembic_config(conn), "head")
            conn.commit()


def _current_heads(engine: sa.Engine) -> set[str]:
    with engine.connect() as conn:
        current = set(MigrationContext.configure(conn).get_current_heads())
        conn.rollback()
    return current


def _migration_lock(engine: sa.Engine) -> AbstractContextManager[object]:
    """The lock that serialises migrations across processes (see ``migrate``)."""
    if engine.dialect.name == "postgresql":
        return _postgres_migration_lock(engine)
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        return nullcontext()
    if os.name != "posix":
        return nullcontext()
    return _file_lock(Path(database).with_name(Path(database).name + MIGRATION_LOCK_SUFFIX))


@contextmanager
def _postgres_migration_lock(engine: sa.Engine) -> Iterator[None]:
    """A session-level advisory lock, held on its own connection while the upgrade runs."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("SELECT pg_advisory_lock(:k)"), {"k": MIGRATION_LOCK_ID})
        try:
            yield
        finally:
            conn.execute(sa.text("SELECT pg_advisory_unlock(:k)"), {"k": MIGRATION_LOCK_ID})


@contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    """An exclusive ``flock`` on ``path`` (created if missing), released on exit."""
    import fcntl

    with path.open("a") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _read_only(engine: sa.Engine) -> sa.Engine:
    """Read sessions see one snapshot: REPEATABLE READ on PostgreSQL, a plain BEGIN on SQLite."""
    if engine.dialect.name == "postgresql":
        return engine.execution_options(isolation_level="REPEATABLE READ", **{READ_ONLY: True})
    return engine.execution_options(**{READ_ONLY: True})


class _NoLock:
    """PostgreSQL's writers need no lock of this process's (``threading.RLock``'s interface)."""

    def acquire(self, blocking: bool = True) -> bool:
        return True

    def release(self) -> None:
        pass

    def __enter__(self) -> bool:
        return True

    def __exit__(self, *_exc: object) -> None:
        pass


class Registry:
    """An open registry: its engine and sessions that commit (or roll back) as a unit."""

    def __init__(self, engine: sa.Engine, pseudonymizer: Pseudonymizer | None = None) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._read_sessions = sessionmaker(_read_only(engine), expire_on_commit=False)
        self._no_wait_sessions = sessionmaker(
            engine.execution_options(**{NO_WAIT: True}), expire_on_commit=False
        )
        self._pseudonymizer = pseudonymizer
        # SQLite has one writer at a time: this process's writers queue here instead of
        # polling SQLite's busy handler, which sleeps up to 100 ms a try.
        self._write_lock = threading.RLock() if engine.dialect.name == "sqlite" else _NoLock()

    @property
    def pseudonymizer(self) -> Pseudonymizer:
        if self._pseudonymizer is None:
            self._pseudonymizer = Pseudonymizer(get_settings().secret)
        return self._pseudonymizer

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A write transaction: committed when the block ends, rolled back on an error."""
        with self._write_lock, self._sessions() as session, session.begin():
            session.info["pseudonymizer"] = self.pseudonymizer
            yield session

    @contextmanager
    def write_session(self, *, wait: bool = True) -> Iterator[Session]:
        """A write transaction the caller commits (``session.commit()``, from any one thread
        at a time); rolled back if it does not. Holds the SQLite writers' lock throughout.

        ``wait=False``: on SQLite the lock is taken at once or ``RegistryBusy`` is raised, so
        that an event loop never sleeps in SQLite's busy handler while another process
        writes. On PostgreSQL, whose BEGIN takes no lock, it is a plain write session (row
        locks taken later may still wait).
        """
        if wait:
            with self._write_lock, self._sessions() as session:
                session.info["pseudonymizer"] = self.pseudonymizer
                yield session
            return
        if not self._write_lock.acquire(blocking=False):
            raise RegistryBusy
        try:
            with self._no_wait_sessions() as session:
                session.info["pseudonymizer"] = self.pseudonymizer
                _begin_now(session)
                yield session
        finally:
            self._write_lock.release()

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


def _begin_now(session: Session) -> None:
    """Begin the transaction (SQLite: take the write lock); RegistryBusy if it is held."""
    try:
        session.connection()
    except sa.exc.OperationalError as exc:
        if getattr(exc.orig, "sqlite_errorcode", None) in _SQLITE_BUSY_CODES:
            raise RegistryBusy from exc
        raise


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


def sqlite_driver(session: Session) -> Any | None:
    """The ``sqlite3`` connection under the session's transaction (None on other databases).

    The registry's hot one-row and multi-row statements run on it directly: SQLAlchemy's
    per-statement work costs 8 to 15 times what SQLite needs to run them.
    """
    conn = session.connection()
    return conn.connection.driver_connection if conn.dialect.name == "sqlite" else None


def pseudonymizer_of(session: Session) -> Pseudonymizer:
    """The pseudonymizer of the registry that opened ``session`` (else from the settings)."""
    found = session.info.get("pseudonymizer")
    if found is None:
        found = session.info["pseudonymizer"] = Pseudonymizer(get_settings().secret)
    return found
