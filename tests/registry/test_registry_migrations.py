"""Migrations: upgrade head from empty on SQLite and PostgreSQL, idempotent, durable SQLite."""

from __future__ import annotations

import sqlalchemy as sa

from optout.registry import open_registry
from optout.registry.db import create_registry_engine, normalize_url

TABLES = {
    "objections", "notices", "audit_log", "audit_head", "registry_counters", "datasets",
    "dataset_versions", "dataset_holdings", "models", "alembic_version",
}  # fmt: skip


def test_upgrade_from_empty_creates_every_table(database_url: str) -> None:
    with open_registry(database_url) as registry:
        names = set(sa.inspect(registry.engine).get_table_names())
    assert names >= TABLES


def test_opening_twice_is_idempotent(database_url: str) -> None:
    for _ in range(2):
        with open_registry(database_url) as registry, registry.engine.connect() as conn:
            versions = conn.execute(sa.text("SELECT version_num FROM alembic_version")).all()
            counters = conn.execute(sa.text("SELECT count(*) FROM registry_counters")).scalar()
    assert len(versions) == 1
    assert counters == 1


def test_sqlite_runs_in_wal_with_foreign_keys_and_full_sync(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'r.db'}"
    with open_registry(url) as registry, registry.engine.connect() as conn:
        pragma = lambda name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()  # noqa: E731
        assert pragma("journal_mode") == "wal"
        assert pragma("foreign_keys") == 1
        assert pragma("synchronous") == 2  # FULL


def test_default_url_comes_from_the_settings(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("OPTOUT_DATABASE_URL", f"sqlite:///{tmp_path / 'from-env.db'}")
    with open_registry():
        pass
    assert (tmp_path / "from-env.db").exists()


def test_postgresql_urls_use_psycopg_3() -> None:
    assert normalize_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalize_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalize_url("sqlite:///x.db") == "sqlite:///x.db"
    engine = create_registry_engine("postgresql://u@127.0.0.1/db")
    assert engine.dialect.driver == "psycopg"
    engine.dispose()


OPEN_CODE = (
    "import sys; from optout.registry import open_registry; open_registry(sys.argv[1]).close()"
)


def test_processes_opening_a_new_registry_at_once_take_turns(database_url: str) -> None:
    """Racing first opens (several servers, a CLI beside them) all succeed, migrating once."""
    import subprocess
    import sys

    url = database_url.replace("param-registry.db", "raced.db")
    children = [subprocess.Popen([sys.executable, "-c", OPEN_CODE, url],
                                 stderr=subprocess.PIPE, text=True) for _ in range(4)]  # fmt: skip
    errors = [child.communicate(timeout=120)[1] for child in children]
    assert [child.returncode for child in children] == [0] * 4, errors
    with open_registry(url) as registry, registry.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM alembic_version")).scalar() == 1
        assert conn.execute(sa.text("SELECT count(*) FROM registry_counters")).scalar() == 1
