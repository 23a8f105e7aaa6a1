"""Transports: SMTP (OPTOUT_SMTP_URL) or a directory of .eml files (OPTOUT_MAIL_OUTBOX)."""

from __future__ import annotations

import ctypes
import functools
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
    """Writes each message as a .eml file: all of a batch to temporary names, one flush of
    the file system to disk (``syncfs``; one ``fsync`` per file where there is none), then
    renamed and the directory flushed. A message counts as sent only once its file is on
    disk; a crash before that leaves it pending, to be written again."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    def send_many(self, messages: list[tuple[str, str]]) -> list[Exception | None]:
        self.directory.mkdir(parents=True, exist_ok=True)
        written = [self._write(message) for _recipient, message in messages]
        parts = [part for part in written if isinstance(part, Path)]
        try:
            if not _sync_file_system(self.directory):
                for part in parts:
                    _fsync_path(part)
            for part in parts:
                part.rename(part.with_name(part.name[1 : -len(".part")]))
            _fsync_path(self.directory)
        except OSError as exc:
            for part in parts:
                part.unlink(missing_ok=True)
            return [exc] * len(messages)
        return [part if isinstance(part, OSError) else None for part in written]

    def _write(self, message: str) -> Path | OSError:
        """The message in a hidden ``.NAME.eml.part`` file (not yet flushed)."""
        partial = self.directory / f".{time.time_ns():020d}-{uuid.uuid4().hex[:8]}.eml.part"
        try:
            with partial.open("w", encoding="utf-8", newline="") as handle:
                handle.write(message)
        except OSError as exc:
            return exc
        return partial


def _fsync_path(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _sync_file_system(directory: Path) -> bool:
    """Flush the file system holding ``directory`` with one ``syncfs`` (Linux); False where
    that call is missing."""
    syncfs = getattr(_libc(), "syncfs", None)
    if syncfs is None:
        return False
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        if syncfs(descriptor) != 0:
            error = ctypes.get_errno()
            raise OSError(error, os.strerror(error))
    finally:
        os.close(descriptor)
    return True


@functools.cache
def _libc() -> ctypes.CDLL | None:
    try:
        return ctypes.CDLL(None, use_errno=True)
    except OSError:
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
