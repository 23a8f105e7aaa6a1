"""CLI: ``optout notify EXPORT_DIR``: email the AI-training notice to every in-scope account."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

from optout.cli.output import JSON_OPTION, finish, reported_errors
from optout.config import get_settings
from optout.mail.messages import DEFAULT_SENDER
from optout.mail.notify import notify_export
from optout.mail.sender import OutboxSender
from optout.mail.transport import transport_from_settings
from optout.portal.links import LinkSigner
from optout.registry import open_registry


def notify(
    export_dir: Path = typer.Argument(..., help="The platform export (accounts are read)."),
    base_url: str = typer.Option("http://127.0.0.1:8000", "--base-url",
                                 help="The portal's public address, for the personal links."),
    mail_from: str = typer.Option(DEFAULT_SENDER, "--from", help="The notices' From address."),
    send: bool = typer.Option(True, "--send/--queue-only",
                              help="Deliver the queued mail now (else `optout serve` does)."),
    skip_invalid: bool = typer.Option(False, "--skip-invalid", help="Skip invalid rows."),
    as_json: bool = JSON_OPTION,
) -> None:  # fmt: skip
    """Queue the notice (with a personal signed link) to each account with an email that is
    not deleted, record it in the registry, and deliver the outbox."""
    with reported_errors(as_json):
        settings = get_settings()
        with open_registry(settings.database_url) as registry:
            result = notify_export(export_dir, registry, LinkSigner(settings.secret),
                                   base_url=base_url, sender=mail_from,
                                   skip_invalid=skip_invalid).as_dict()  # fmt: skip
            if send:
                sender = OutboxSender(registry, transport_from_settings(settings))
                result["sent"] = sender.drain()
        finish(result, as_json=as_json, render=lambda c: _render(c, result))


def _render(console: Console, result: dict[str, int]) -> None:
    console.print(", ".join(f"{key.replace('_', ' ')}: {value}" for key, value in result.items()))
