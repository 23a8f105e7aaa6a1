"""The whole journey in a real browser (Debian's chromium), in two languages, with axe-core."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from optout.config import get_settings
from optout.portal.app import create_app
from optout.portal.config import PortalConfig
from optout.portal.i18n import language
from tests.portal.support import eml_files, free_port, link_in, live_server, read_eml, wait_for

pytestmark = pytest.mark.browser
AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
AXE_RUN = """async () => (await axe.run(document, {runOnly: {type: 'tag', values:
    ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})).violations
    .map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' '))}))"""


@pytest.fixture
def portal_url(outbox: Path) -> Iterator[str]:
    port = free_port()
    config = PortalConfig(base_url=f"http://127.0.0.1:{port}", sender_poll_s=0.05)
    app = create_app(config, settings=get_settings())
    with live_server(app, port) as url:
        yield url
    app.state.portal.registry.close()


def assert_accessible(page: Page) -> None:
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `npm ci` in tests/portal")
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(AXE_RUN)
    assert violations == [], f"{page.url}: {violations}"


def test_chromium_launches(page: Page) -> None:
    page.set_content("<p>ok</p>")
    assert page.text_content("p") == "ok"


@pytest.mark.parametrize("lang", ["en", "de"])
def test_whole_journey(page: Page, portal_url: str, outbox: Path, lang: str) -> None:
    _ = language(lang).gettext
    page.goto(f"{portal_url}/?lang={lang}")
    expect(page.locator("html")).to_have_attribute("lang", lang)
    assert_accessible(page)
    page.get_by_role("button", name=_("Start now")).click()

    page.get_by_label(_("Country where you live")).select_option("DE")
    page.get_by_label(_("Email address")).fill("not-an-email")
    page.get_by_role("button", name=_("Send objection")).click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    title = f"{_('Error:')} {_('Your objection')} – {_('Object to AI training')}"
    expect(page).to_have_title(title)
    assert_accessible(page)
    summary.get_by_role("link").click()
    expect(page.get_by_label(_("Email address"))).to_be_focused()

    page.get_by_label(_("Email address")).fill(f"journey.{lang}@example.org")
    page.get_by_role("button", name=_("Send objection")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(_("Check your email"))
    expect(page.locator(".address")).to_have_text(f"journey.{lang}@example.org")
    assert_accessible(page)

    wait_for(lambda: eml_files(outbox))
    mail = read_eml(eml_files(outbox)[0])
    assert mail["Content-Language"] == lang
    page.goto(link_in(mail))
    expect(page.get_by_role("heading", level=1)).to_have_text(_("Confirm your objection"))
    assert_accessible(page)
    page.get_by_role("button", name=_("Confirm my objection")).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(_("Objection confirmed"))
    expect(page.locator(".reference")).to_have_text(re.compile(r"^[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}$"))
    assert_accessible(page)
    page.get_by_role("link", name=_("Check the status of your objection")).click()

    expect(page.locator(".tag")).to_have_text(_("Confirmed"))
    assert_accessible(page)
    page.get_by_role("button", name=_("Withdraw my objection")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(_("Objection withdrawn"))
    assert_accessible(page)

    page.goto(link_in(mail))  # the confirm link again: used, and it says so
    expect(page.get_by_role("heading", level=1)).to_have_text(_("This link has already been used"))
    assert_accessible(page)


def test_language_switcher_and_other_pages_are_accessible(page: Page, portal_url: str) -> None:
    page.goto(f"{portal_url}/object")
    page.get_by_role("link", name="Français").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    assert_accessible(page)
    page.goto(f"{portal_url}/no-such-page")
    assert_accessible(page)
    page.goto(f"{portal_url}/confirm/broken")
    assert_accessible(page)


def test_a_form_is_not_sent_twice(page: Page, portal_url: str, outbox: Path) -> None:
    page.goto(f"{portal_url}/object")
    page.get_by_label("Country where you live").select_option("FR")
    page.get_by_label("Email address").fill("twice@example.org")
    button = page.get_by_role("button", name="Send objection")
    page.evaluate("document.querySelector('form').addEventListener('submit', "
                  "() => setTimeout(() => {}, 0))")  # fmt: skip
    button.dblclick()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    wait_for(lambda: eml_files(outbox))
    page.wait_for_timeout(500)
    assert len(eml_files(outbox)) == 1
