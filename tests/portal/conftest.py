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


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-dev-shm-usage",
]  # fmt: skip


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """pytest-playwright launches Debian's chromium (no `playwright install`)."""
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM),
            "args": CHROMIUM_ARGS, "headless": True}  # fmt: skip


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    """axe-core is injected into the page: the strict CSP would block it (bypass_csp)."""
    return {**browser_context_args, "bypass_csp": True}
