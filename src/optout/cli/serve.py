"""CLI: ``optout serve``: the objection portal and its JSON API, with the mail sender."""

from __future__ import annotations

import logging
import re
import sys

import typer

from optout.cli.output import reported_errors
from optout.config import get_settings
from optout.mail.messages import DEFAULT_SENDER
from optout.portal.config import PortalConfig

# The group writer's commit thread waits for the GIL after each fsync; with Python's default
# 5 ms switch interval a busy event loop holds every batch's answer back that long.
SWITCH_INTERVAL_S = 0.001
_TOKEN_PATH = re.compile(r"/(confirm|confirmed|status|notice)/[^\s?\"]+")


class RedactTokens(logging.Filter):
    """Keep signed link tokens out of the access log (they are credentials)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                _TOKEN_PATH.sub(r"/\1/[token]", a) if isinstance(a, str) else a
                for a in record.args
            )
        return True


def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", help="Port to listen on."),
    base_url: str | None = typer.Option(None, "--base-url",
                                        help="Public address used in emailed links."),
    mail_from: str = typer.Option(DEFAULT_SENDER, "--from", help="The emails' From address."),
    ip_limit: int = typer.Option(20, "--ip-limit",
                                 help="Submissions per minute per client IP (0: no limit)."),
    address_limit: int = typer.Option(5, "--address-limit",
                                      help="Emails per hour to one address (0: no limit)."),
    secure_cookies: bool = typer.Option(False, "--secure-cookies", help="Behind HTTPS."),
    mail_process: bool = typer.Option(True, "--mail-process/--mail-thread",
                                      help="Deliver mail from a child process (default) or a "
                                           "thread of the server."),
    access_log: bool = typer.Option(True, "--access-log/--no-access-log",
                                    help="Log every request (link tokens are redacted)."),
) -> None:  # fmt: skip
    """Serve the objection portal at / and the JSON API at /api/v1/ (OpenAPI: /openapi.json)."""
    import uvicorn

    from optout.portal.app import create_app

    with reported_errors(False):
        config = PortalConfig(base_url=base_url or f"http://{host}:{port}", mail_from=mail_from,
                              ip_limit_per_minute=ip_limit, address_limit_per_hour=address_limit,
                              secure_cookies=secure_cookies,
                              sender_process=mail_process)  # fmt: skip
        settings = get_settings()  # both OPTOUT_SMTP_URL and OPTOUT_MAIL_OUTBOX: exit 2 here
        app = create_app(config, settings=settings)
    logging.getLogger("uvicorn.access").addFilter(RedactTokens())
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    uvicorn.run(app, host=host, port=port, proxy_headers=False, access_log=access_log)
