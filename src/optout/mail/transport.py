"""Transports: SMTP (OPTOUT_SMTP_URL) or a directory of .eml files (OPTOUT_MAIL_OUTBOX)."""

from __future__ import annotations

import os
import smtplib
import ssl
import time
import uuid
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qs, unquote, urlsplit

from optout.config import Settings

DEFAULT_OUTBOX = Path("mail-outbox")
SMTP_TIMEOUT_S = 10.0


class PermanentFailure(Exception):
    """The server refused a message for good (it will not be retried)."""


class Transport(Protocol):
    """Delivers RFC 5322 messages; raises on failure (OSError/SMTPException: retry later)."""

    def send_many(self, messages: list[tuple[str, str]]) -> list[Exception | None]:
        """Send (recipient, message) pairs; per message None or the error it met."""
        ...


class DirectoryTransport:
    """Writes each message as a .eml file (written to a temporary name, then renamed)."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    def send_many(self, messages: list[tuple[str, str]]) -> list[Exception | None]:
        self.directory.mkdir(parents=True, exist_ok=True)
        return [self._write(message) for _recipient, message in messages]

    def _write(self, message: str) -> Exception | None:
        name = f"{time.time_ns():020d}-{uuid.uuid4().hex[:8]}.eml"
        partial = self.directory / f".{name}.part"
        try:
            with partial.open("w", encoding="utf-8", newline="") as handle:
                handle.write(message)
                handle.flush()
                os.fsync(handle.fileno())
            partial.rename(self.directory / name)
        except OSError as exc:
            return exc
        return None


class SmtpTransport:
    """Sends through one SMTP connection per batch: smtp:// (STARTTLS with ?starttls=1),
    smtps://, with optional user:password."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps"):
            raise ValueError("OPTOUT_SMTP_URL must start with smtp:// or smtps://")
        self.tls = parts.scheme == "smtps"
        self.starttls = parse_qs(parts.query).get("starttls", ["0"])[0] in ("1", "true")
        self.host = parts.hostname or "localhost"
        self.port = parts.port or (465 if self.tls else 25)
        self.user = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None

    def send_many(self, messages: list[tuple[str, str]]) -> list[Exception | None]:
        with self._connect() as smtp:
            return [self._send(smtp, recipient, message) for recipient, message in messages]

    def _connect(self) -> smtplib.SMTP:
        context = ssl.create_default_context()
        if self.tls:
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                self.host, self.port, timeout=SMTP_TIMEOUT_S, context=context
            )
        else:
            smtp = smtplib.SMTP(self.host, self.port, timeout=SMTP_TIMEOUT_S)
            if self.starttls:
                smtp.starttls(context=context)
        if self.user:
            smtp.login(self.user, self.password or "")
        return smtp

    @staticmethod
    def _send(smtp: smtplib.SMTP, recipient: str, message: str) -> Exception | None:
        try:
            smtp.sendmail(_sender_of(message), [recipient], message.encode("utf-8"))
        except smtplib.SMTPRecipientsRefused as exc:
            return PermanentFailure(f"recipient refused: {_codes(exc)}")
        except smtplib.SMTPResponseException as exc:
            if 500 <= exc.smtp_code < 600:
                return PermanentFailure(f"refused with {exc.smtp_code}")
            return exc
        except (OSError, smtplib.SMTPException) as exc:
            return exc
        return None


def _codes(exc: smtplib.SMTPRecipientsRefused) -> str:
    return ",".join(str(code) for code, _msg in exc.recipients.values())


def _sender_of(message: str) -> str:
    for line in message.split("\n", 50):
        if line.lower().startswith("from:"):
            value = line[5:].strip()
            return value[value.find("<") + 1 : value.rfind(">")] if "<" in value else value
    return ""


def transport_from_settings(settings: Settings) -> Transport:
    """SMTP for OPTOUT_SMTP_URL, else .eml files in OPTOUT_MAIL_OUTBOX (or ./mail-outbox)."""
    if settings.smtp_url:
        return SmtpTransport(settings.smtp_url)
    return DirectoryTransport(settings.mail_outbox or DEFAULT_OUTBOX)
