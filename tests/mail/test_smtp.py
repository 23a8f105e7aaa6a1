"""Delivery through a real SMTP server (aiosmtpd) on loopback, including an outage."""

from __future__ import annotations

import email
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from aiosmtpd.controller import Controller

from optout.config import get_settings
from optout.portal.app import create_app
from optout.portal.config import PortalConfig
from optout.registry.outbox import mail_counts
from tests.portal.support import free_port, link_in, live_server, wait_for

pytestmark = pytest.mark.smtp


class Inbox:
    """An aiosmtpd handler that keeps every message it accepts."""

    def __init__(self) -> None:
        self.messages: list[email.message.Message] = []

    async def handle_DATA(self, _server, _session, envelope) -> str:  # type: ignore[no-untyped-def]
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"


@pytest.fixture
def smtp_port(monkeypatch: pytest.MonkeyPatch, isolated_env: Path) -> int:
    port = free_port()
    monkeypatch.setenv("OPTOUT_SMTP_URL", f"smtp://127.0.0.1:{port}")
    return port


def start_smtp(port: int) -> tuple[Controller, Inbox]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    return controller, inbox


@pytest.fixture
def portal(smtp_port: int) -> Iterator[tuple[str, object]]:
    config = PortalConfig(sender_poll_s=0.1, sender_base_delay_s=0.1, sender_max_delay_s=0.5,
                          ip_limit_per_minute=0)  # fmt: skip
    app = create_app(config, settings=get_settings())
    with live_server(app, free_port()) as base_url:
        yield base_url, app.state.portal.registry
    app.state.portal.registry.close()


def post_objections(base_url: str, count: int) -> None:
    with httpx.Client(base_url=base_url) as client:
        for i in range(count):
            answer = client.post("/api/v1/objections",
                                 json={"email": f"person{i}@example.org", "country": "NL"})
            assert answer.status_code == 202


def test_confirmation_arrives_through_smtp(smtp_port: int, portal) -> None:  # type: ignore[no-untyped-def]
    controller, inbox = start_smtp(smtp_port)
    try:
        post_objections(portal[0], 1)
        wait_for(lambda: len(inbox.messages) == 1)
    finally:
        controller.stop()
    message = inbox.messages[0]
    assert message["To"] == "person0@example.org"
    assert "/confirm/" in link_in(message)


def test_smtp_outage_delays_mail_and_loses_none(smtp_port: int, portal) -> None:  # type: ignore[no-untyped-def]
    base_url, registry = portal
    post_objections(base_url, 5)  # the SMTP server is down while objections arrive
    with registry.read_session() as session:
        assert mail_counts(session)["pending"] == 5
    wait_for(lambda: _attempted(registry), timeout=10)
    controller, inbox = start_smtp(smtp_port)
    try:
        wait_for(lambda: len(inbox.messages) == 5, timeout=30)
    finally:
        controller.stop()
    assert sorted(m["To"] for m in inbox.messages) == [f"person{i}@example.org" for i in range(5)]
    wait_for(lambda: _counts(registry) == {"pending": 0, "sent": 5, "failed": 0})


def _counts(registry) -> dict[str, int]:  # type: ignore[no-untyped-def]
    with registry.read_session() as session:
        return mail_counts(session)


def _attempted(registry) -> bool:  # type: ignore[no-untyped-def]
    from optout.registry.outbox import OutboxMail

    with registry.read_session() as session:
        return all(mail.attempts >= 2 for mail in session.query(OutboxMail))
