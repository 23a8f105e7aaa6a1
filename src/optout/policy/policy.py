"""The build policy (interfaces §3): TOML in, validated settings with defaults out."""

from __future__ import annotations

import hashlib
import json
import tomllib
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from optout.errors import InputError
from optout.policy.regions import expand_regions

ALL_KINDS = (
    "post", "comment", "photo", "story", "reel", "profile", "group_post",
    "page_post", "channel_post", "review", "ai_chat", "message",
)  # fmt: skip
TRAINABLE_KINDS = tuple(kind for kind in ALL_KINDS if kind != "message")
# every kind is redacted unless a policy lists the kinds it wants (privacy by default): the
# quasi-identifiers (address, date of birth, licence plate) too
PII_TYPES = ("email", "phone", "iban", "card", "ip", "national_id", "url", "address",
             "date_of_birth", "licence_plate")


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Scope(_Section):
    """Whose content, of which kinds and visibility, may be used."""

    regions: list[str] = Field(default_factory=lambda: ["EEA"])
    min_age: int = Field(default=18, ge=0, le=120)
    unknown_age: Literal["exclude", "include"] = "exclude"
    kinds: list[str] = Field(default_factory=lambda: list(TRAINABLE_KINDS))
    visibility: list[str] = Field(default_factory=lambda: ["public"])

    @field_validator("regions")
    @classmethod
    def _known_regions(cls, value: list[str]) -> list[str]:
        expand_regions(value)
        return value

    @field_validator("kinds")
    @classmethod
    def _trainable_kinds(cls, value: list[str]) -> list[str]:
        for kind in value:
            if kind == "message":
                raise ValueError("'message' is private conversation and is never used")
            if kind not in TRAINABLE_KINDS:
                raise ValueError(f"'{kind}' is not one of {', '.join(TRAINABLE_KINDS)}")
        return value

    @field_validator("visibility")
    @classmethod
    def _public_only(cls, value: list[str]) -> list[str]:
        for visibility in value:
            if visibility != "public":
                raise ValueError(f"'{visibility}': only public content is ever used")
        return value

    @cached_property
    def countries(self) -> frozenset[str]:
        return expand_regions(self.regions)


class Notice(_Section):
    """Whether, and how long before as-of, an account must have been told."""

    required: bool = True
    days: int = Field(default=30, ge=0, le=3650)


class Redaction(_Section):
    """How people and personal data in text are treated."""

    third_party_mentions: Literal["redact", "drop", "keep"] = "redact"
    pseudonymize_people: bool = True
    pii: list[str] = Field(default_factory=lambda: list(PII_TYPES))

    @field_validator("pii")
    @classmethod
    def _known_pii(cls, value: list[str]) -> list[str]:
        for kind in value:
            if kind not in PII_TYPES:
                raise ValueError(f"'{kind}' is not one of {', '.join(PII_TYPES)}")
        return value


class Policy(_Section):
    """The whole policy; every key has a default."""

    scope: Scope = Field(default_factory=Scope)
    notice: Notice = Field(default_factory=Notice)
    redaction: Redaction = Field(default_factory=Redaction)

    def as_dict(self) -> dict[str, object]:
        return self.model_dump(mode="json")

    @cached_property
    def sha256(self) -> str:
        """Hash of the effective policy (canonical JSON), recorded in the manifest."""
        canonical = json.dumps(self.as_dict(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()


def load_policy(path: Path | None) -> Policy:
    """Read and validate a policy file; ``None`` gives the defaults."""
    if path is None:
        return Policy()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"cannot read the policy file {path}: {exc.strerror}") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: not valid TOML: {exc}") from exc
    try:
        return Policy.model_validate(raw)
    except ValidationError as exc:
        raise InputError(f"{path}: {_describe(exc)}") from exc


def _describe(exc: ValidationError) -> str:
    problems = []
    for error in exc.errors():
        key = ".".join(str(part) for part in error["loc"] if not isinstance(part, int))
        message = error["msg"].removeprefix("Value error, ")
        if error["type"] == "extra_forbidden":
            message = "unknown key"
        problems.append(f"{key}: {message}")
    return "; ".join(problems)


def policy_toml(policy: Policy) -> str:
    """Render the effective policy as TOML, as ``optout policy show`` prints it."""
    lines: list[str] = []
    for section, values in policy.as_dict().items():
        lines.append(f"[{section}]")
        lines.extend(f"{key} = {_toml_value(value)}" for key, value in values.items())
        lines.append("")
    return "\n".join(lines)


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return str(value)
