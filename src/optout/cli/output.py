"""Shared CLI plumbing: JSON or Rich output, exit codes, errors without tracebacks, progress."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, NoReturn

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

from optout.config import ConfigError
from optout.errors import EXIT_BAD_INPUT, InputError, OptoutError

console = Console()
err_console = Console(stderr=True)

JSON_OPTION = typer.Option(False, "--json", help="Print one JSON object on stdout.")


def finish(
    payload: dict[str, Any],
    *,
    as_json: bool,
    render: Callable[[Console], None] | None = None,
    code: int = 0,
) -> NoReturn:
    """Print the result (JSON on stdout, or ``render`` for people) and exit with ``code``."""
    if as_json:
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, default=str) + "\n")
    elif render is not None:
        render(console)
    raise typer.Exit(code)


@contextmanager
def reported_errors(as_json: bool) -> Iterator[None]:
    """Turn optout's own errors into a message (or JSON object) and their exit code."""
    try:
        yield
    except OptoutError as exc:
        payload: dict[str, Any] = {"error": str(exc)}
        errors = exc.errors if isinstance(exc, InputError) else []
        if errors:
            payload["errors"] = [error.as_dict() for error in errors]
        _fail(payload, as_json, exc.exit_code)
    except ConfigError as exc:
        _fail({"error": str(exc)}, as_json, EXIT_BAD_INPUT)


def _fail(payload: dict[str, Any], as_json: bool, code: int) -> NoReturn:
    if as_json:
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, default=str) + "\n")
    else:
        err_console.print(f"[bold red]error:[/] {payload['error']}", highlight=False)
        for error in payload.get("errors", [])[:50]:
            err_console.print(
                f"  {error['file']} line {error['row']}: {error['field']}: {error['reason']}",
                highlight=False,
            )
    raise typer.Exit(code)


def make_progress() -> Progress:
    """A Rich progress bar on stderr, so ``--json`` output on stdout stays clean."""
    return Progress(
        SpinnerColumn(),
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    )
