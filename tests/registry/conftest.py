"""Fixtures of the registry tests: an open registry on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from optout.registry import Registry, open_registry


@pytest.fixture
def registry(database_url: str) -> Iterator[Registry]:
    """A migrated registry, once on SQLite and once on a real PostgreSQL database."""
    opened = open_registry(database_url)
    try:
        yield opened
    finally:
        opened.close()
