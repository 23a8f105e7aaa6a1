"""One settings object, read from the environment (``OPTOUT_*``)."""

from __future__ import annotations

import os
import secrets
from functools import cached_property
from pathlib import Path

from pydantic import SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite:///optout.db"
DEFAULT_KEY_FILE = Path(".optout") / "secret.key"


class ConfigError(ValueError):
    """A setting is missing, malformed or contradicts another one."""


class Settings(BaseSettings):
    """Everything optout reads from its environment."""

    model_config = SettingsConfigDict(env_prefix="OPTOUT_", extra="ignore")

    database_url: str = DEFAULT_DATABASE_URL
    secret_key: SecretStr | None = None
    secret_key_file: Path | None = None
    smtp_url: str | None = None
    mail_outbox: Path | None = None
    webhook_urls: str | None = None  # comma-separated URLs told of every purge
    feed_key_file: Path | None = None  # Ed25519 key signing the exclusions feed

    @model_validator(mode="after")
    def _one_mail_transport(self) -> Settings:
        if self.smtp_url and self.mail_outbox:
            raise ValueError("set OPTOUT_SMTP_URL or OPTOUT_MAIL_OUTBOX, not both")
        return self

    @cached_property
    def secret(self) -> bytes:
        """The operator's secret that keys every pseudonym and signed link."""
        return load_secret(self)


def load_secret(settings: Settings) -> bytes:
    """Return the operator's secret: env var, else key file, else a generated key file.

    A generated key (the development default) is written to ``.optout/secret.key`` in the
    working directory, readable only by its owner; never into the registry database.
    """
    if settings.secret_key is not None:
        value = settings.secret_key.get_secret_value().strip()
        if len(value) < 16:
            raise ConfigError("OPTOUT_SECRET_KEY must be at least 16 characters long")
        return value.encode()
    if settings.secret_key_file is not None:
        return _read_key_file(settings.secret_key_file)
    if DEFAULT_KEY_FILE.exists():
        return _read_key_file(DEFAULT_KEY_FILE)
    return _generate_key_file(DEFAULT_KEY_FILE)


def _read_key_file(path: Path) -> bytes:
    try:
        value = path.read_bytes().strip()
    except OSError as exc:
        raise ConfigError(f"cannot read the secret key file {path}: {exc.strerror}") from exc
    if len(value) < 16:
        raise ConfigError(f"the secret key file {path} holds fewer than 16 bytes")
    return value


def _generate_key_file(path: Path) -> bytes:
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_hex(32).encode()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(value + b"\n")
    return value


def get_settings() -> Settings:
    """Read the settings, turning a validation failure into a ConfigError."""
    try:
        return Settings()
    except ValueError as exc:
        raise ConfigError(str(exc)) from exc
