"""Errors that carry their exit code: 2 for bad input or usage, 1 for a failed check."""

from __future__ import annotations

from dataclasses import asdict, dataclass

EXIT_OK = 0
EXIT_CHECK_FAILED = 1
EXIT_BAD_INPUT = 2


@dataclass(frozen=True, slots=True)
class RowError:
    """One bad input row: where it is and what is wrong (never the bad value itself)."""

    file: str
    row: int
    field: str
    reason: str

    def as_dict(self) -> dict[str, object]:
        return asdict(self)

    def __str__(self) -> str:
        return f"{self.file} line {self.row}: {self.field}: {self.reason}"


class OptoutError(Exception):
    """Base class of errors the CLI reports without a traceback."""

    exit_code = EXIT_BAD_INPUT


class InputError(OptoutError):
    """Bad input or usage (exit 2); may carry the row errors that caused it."""

    def __init__(self, message: str, errors: list[RowError] | None = None) -> None:
        super().__init__(message)
        self.errors = errors or []


class CheckFailed(OptoutError):
    """A check found a problem (exit 1)."""

    exit_code = EXIT_CHECK_FAILED
