"""Fixtures of the portal tests: an app on a fresh registry writing .eml files."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from optout.config import get_settings
from optout.portal.app import create_app
from optout.portal.config import PortalConfig


@pytest.fixture
def outbox(isolated_env: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = isolated_env / "outbox"
    monkeypatch.setenv("OPTOUT_MAIL_OUTBOX", str(directory))
    return directory


@pytest.fixture
def portal_config() -> PortalConfig:
    return PortalConfig(sender_poll_s=0.05, sender_base_delay_s=0.05, sender_max_delay_s=0.5)


@pytest.fixture
def client(outbox: Path, portal_config: PortalConfig) -> Iterator[TestClient]:
    """A TestClient of the portal (the mail sender runs; messages land in ``outbox``)."""
    app = create_app(portal_config, settings=get_settings())
    with TestClient(app) as test_client:
        yield test_client
    app.state.portal.registry.close()
