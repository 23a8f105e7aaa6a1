"""The status page's lineage section in a real browser, in two languages, with axe-core."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from playwright.sync_api import Page, expect

from optout.config import get_settings
from optout.portal.app import create_app
from optout.portal.config import PortalConfig
from optout.portal.i18n import language
from tests.portal.lineage_data import objector_in_a_dataset, purge
from tests.portal.support import free_port, live_server
from tests.portal.test_browser import assert_accessible

pytestmark = pytest.mark.browser
NOT_YET = "Not yet: your posts will be removed at the dataset's next update"


@pytest.fixture
def served(outbox: Path) -> Iterator[tuple[FastAPI, str]]:
    port = free_port()
    config = PortalConfig(base_url=f"http://127.0.0.1:{port}", sender_poll_s=0.05)
    app = create_app(config, settings=get_settings())
    with live_server(app, port) as url:
        yield app, url
    app.state.portal.registry.close()


@pytest.mark.parametrize("lang", ["en", "de"])
def test_status_page_shows_where_the_data_went(
    page: Page, served: tuple[FastAPI, str], lang: str
) -> None:
    app, url = served
    _ = language(lang).gettext
    portal = app.state.portal
    objection_id, version_id = objector_in_a_dataset(portal.registry, f"seen.{lang}@example.org")
    status_url = f"{url}/status/{portal.signer.status(objection_id)}?lang={lang}"

    page.goto(status_url)
    expect(page.get_by_role("heading", level=2, name=_("Where your data was used"))).to_be_visible()
    lineage = page.locator("dl.lineage")
    expect(lineage).to_contain_text("forum-2026")
    expect(lineage).to_contain_text("tiny-lm 2026.3")
    expect(lineage).to_contain_text(_(NOT_YET))
    assert_accessible(page)

    purge(portal.registry, version_id)
    page.reload()
    expect(lineage).to_contain_text(_("Removed on"))
    expect(lineage).not_to_contain_text(_(NOT_YET))
    assert_accessible(page)
