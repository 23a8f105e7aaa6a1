"""Field checks shared by the import validators; reasons name the problem, never the value."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from optout.keys import normalize_email

EMAIL_SYNTAX = re.compile(r"^[^@\s]{1,64}@[^@\s.]+(\.[^@\s.]+)+$")
LONE_SURROGATE = re.compile("[\ud800-\udfff]")  # JSON may escape one; UTF-8 cannot store it


class FieldProblem(ValueError):
    """A field's value is unusable; the message is the reason (never the value)."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(reason)
        self.field = field
        self.reason = reason


def optional_text(record: dict[str, Any], field: str, max_length: int = 10_000) -> str | None:
    """A non-empty string (trimmed) or None; anything else is a problem."""
    value = record.get(field)
    if value is None:
        return None
    if not isinstance(value, str):
        raise FieldProblem(field, "must be a string")
    if LONE_SURROGATE.search(value):
        raise FieldProblem(field, "is not valid Unicode text (a lone surrogate)")
    value = value.strip()
    if len(value) > max_length:
        raise FieldProblem(field, f"is longer than {max_length} characters")
    return value or None


def required_text(record: dict[str, Any], field: str, max_length: int = 255) -> str:
    value = optional_text(record, field, max_length)
    if value is None:
        raise FieldProblem(field, "is required")
    return value


def email_field(record: dict[str, Any], field: str = "email") -> str | None:
    """The email as given (trimmed), after checking the syntax of its normalised form."""
    value = optional_text(record, field, max_length=320)
    if value is not None and not EMAIL_SYNTAX.match(normalize_email(value)):
        raise FieldProblem(field, "is not a valid email address")
    return value


def country_field(record: dict[str, Any], field: str = "country") -> str | None:
    value = optional_text(record, field, max_length=2)
    if value is None:
        return None
    value = value.upper()
    if len(value) != 2 or not (value.isascii() and value.isalpha()):
        raise FieldProblem(field, "must be an ISO 3166-1 alpha-2 code")
    return value


def timestamp_field(
    record: dict[str, Any], field: str, *, required: bool = False
) -> datetime | None:
    """An RFC 3339 timestamp with a time zone (Parquet timestamps without one count as UTC)."""
    value = record.get(field)
    if value is None or value == "":
        if required:
            raise FieldProblem(field, "is required")
        return None
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    if not isinstance(value, str):
        raise FieldProblem(field, "must be an RFC 3339 timestamp")
    return _parse_rfc3339(field, value)


def _parse_rfc3339(field: str, value: str) -> datetime:
    text = value.strip()
    if len(text) < 20 or text[10] not in "Tt ":
        raise FieldProblem(field, "must be an RFC 3339 timestamp such as 2026-05-01T10:00:00Z")
    try:
        parsed = datetime.fromisoformat(text[:-1] + "+00:00" if text[-1] in "zZ" else text)
    except ValueError:
        raise FieldProblem(field, "is not a valid RFC 3339 timestamp") from None
    if parsed.tzinfo is None:
        raise FieldProblem(field, "needs a time zone (Z or an offset)")
    return parsed.astimezone(UTC)


def string_list(record: dict[str, Any], field: str, max_items: int) -> tuple[str, ...]:
    """A list of non-empty strings, at most ``max_items`` long."""
    value = record.get(field)
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise FieldProblem(field, "must be a list of strings")
    if any(LONE_SURROGATE.search(item) for item in value):
        raise FieldProblem(field, "is not valid Unicode text (a lone surrogate)")
    items = tuple(" ".join(item.split()) for item in value)
    if len(items) > max_items:
        raise FieldProblem(field, f"has {len(items)} entries; at most {max_items} are allowed")
    if any(not item for item in items):
        raise FieldProblem(field, "holds an empty entry")
    return items
