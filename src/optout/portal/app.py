"""The portal application: FastAPI app factory wiring registry, signer, mail sender, routes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from optout.config import Settings, get_settings
from optout.mail.sender import OutboxSender
from optout.mail.transport import Transport, transport_from_settings
from optout.mail.worker import SenderProcess
from optout.portal import api, pages
from optout.portal.config import PortalConfig
from optout.portal.flows import MailSender, Portal
from optout.portal.links import LinkSigner
from optout.portal.problems import install_problem_handlers
from optout.portal.security import Csrf, SecurityHeaders
from optout.registry import Registry, open_registry

STATIC = Path(__file__).resolve().parent / "static"


def create_app(
    config: PortalConfig | None = None,
    *,
    settings: Settings | None = None,
    registry: Registry | None = None,
    transport: Transport | None = None,
    send_mail: bool = True,
) -> FastAPI:
    """The portal app; with ``send_mail`` a background sender delivers the outbox."""
    config = config or PortalConfig()
    settings = settings or get_settings()
    registry = registry or open_registry(settings.database_url)
    sender = _sender(config, settings, registry, transport) if send_mail else None
    portal = Portal(registry, LinkSigner(settings.secret), config, sender)
    app = FastAPI(title="optout portal", version="1", lifespan=_lifespan(portal),
                  docs_url=None, redoc_url=None, openapi_url="/openapi.json")  # fmt: skip
    app.state.portal = portal
    app.state.csrf = Csrf(settings.secret)
    app.state.settings_secret = settings.secret
    app.include_router(api.router)  # first: the busiest route is matched first
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    install_problem_handlers(app)
    app.add_middleware(SecurityHeaders)
    return app


def _sender(
    config: PortalConfig, settings: Settings, registry: Registry, transport: Transport | None
) -> MailSender:
    """A thread in this process, or (``sender_process``, settings' transport) a child."""
    if config.sender_process and transport is None:
        transport_from_settings(settings)  # a bad mail setting fails here, not in the child
        url = registry.engine.url.render_as_string(hide_password=False)
        return SenderProcess(url, **_sender_options(config))
    return OutboxSender(
        registry, transport or transport_from_settings(settings), **_sender_options(config)
    )


def _sender_options(config: PortalConfig) -> dict[str, Any]:
    return {"batch": config.sender_batch, "base_delay": config.sender_base_delay_s,
            "max_delay": config.sender_max_delay_s, "idle_poll": config.sender_poll_s,
            "gather": config.sender_gather_s}  # fmt: skip


def _lifespan(portal: Portal):  # type: ignore[no-untyped-def]
    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        portal.writer.start()
        if portal.sender is not None:
            portal.sender.start()
        try:
            yield
        finally:
            await portal.writer.stop()  # writes what is queued first
            if portal.sender is not None:
                portal.sender.stop()

    return lifespan
