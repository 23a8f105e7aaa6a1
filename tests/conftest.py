"""Shared fixtures: an isolated working directory and secret, SQLite and real PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

TEST_SECRET = "test-secret-key-0123456789abcdef"
POSTGRES_URL = os.environ.get(
    "OPTOUT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run every test in its own directory, with a fixed secret and a fresh SQLite registry."""
    monkeypatch.chdir(tmp_path)
    for name in list(os.environ):
        if name.startswith("OPTOUT_") and name != "OPTOUT_TEST_POSTGRES_URL":
            monkeypatch.delenv(name)
    monkeypatch.setenv("OPTOUT_SECRET_KEY", TEST_SECRET)
    monkeypatch.setenv("OPTOUT_DATABASE_URL", f"sqlite:///{tmp_path / 'registry.db'}")
    return tmp_path


def _postgres_unreachable_reason() -> str | None:
    try:
        engine = sa.create_engine(POSTGRES_URL, connect_args={"connect_timeout": 3})
        with engine.connect():
            pass
        engine.dispose()
    except Exception as exc:  # any failure to connect means: no server to test against
        return f"no PostgreSQL server reachable at {POSTGRES_URL}: {type(exc).__name__}"
    return None


@pytest.fixture(scope="session")
def postgres_server() -> str:
    """The admin URL of a real PostgreSQL server; skipped locally, a failure under CI."""
    reason = _postgres_unreachable_reason()
    if reason is not None:
        if os.environ.get("CI"):
            pytest.fail(f"CI must test against PostgreSQL, but {reason}")
        pytest.skip(reason)
    return POSTGRES_URL


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    name = f"optout_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(postgres_server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.engine.make_url(postgres_server).set(database=name).render_as_string(
        hide_password=False
    )
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(
                sa.text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"
                ),
                {"n": name},
            )
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A registry URL, once for SQLite and once for a real PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'param-registry.db'}"
    return request.getfixturevalue("postgres_url")
