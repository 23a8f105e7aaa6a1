"""CLI: ``optout export check`` validates a platform export and lists its bad rows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.console import Console

from optout.cli.output import JSON_OPTION, finish, make_progress, reported_errors
from optout.corpus.reader import ExportCheck, InvalidExport, check_export
from optout.errors import EXIT_BAD_INPUT

app = typer.Typer(no_args_is_help=True, help="Work with platform exports.")

SHOWN_ERRORS = 50


@app.command("check")
def check(
    export_dir: Path = typer.Argument(..., help="Directory holding accounts and content."),
    skip_invalid: bool = typer.Option(
        False, "--skip-invalid", help="Count invalid rows and go on (exit 0)."
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    """Validate an export: every bad row with its file, row, field and reason."""
    with reported_errors(as_json):
        code = 0
        with make_progress() as progress:
            try:
                result = check_export(
                    export_dir, skip_invalid=skip_invalid, on_progress=_tracker(progress)
                )
            except InvalidExport as exc:
                result, code = exc.check, EXIT_BAD_INPUT
        finish(result.as_dict(), as_json=as_json, render=_render(result, code), code=code)


def _tracker(progress: Any) -> Any:
    tasks: dict[str, Any] = {}

    def update(table: str, done: int, total: int) -> None:
        if table not in tasks:
            tasks[table] = progress.add_task(f"reading {table}", total=total)
        progress.update(tasks[table], completed=done, total=total)

    return update


def _render(result: ExportCheck, code: int) -> Any:
    def render(console: Console) -> None:
        console.print(
            f"accounts: {result.accounts}  content: {result.content}  "
            f"notices: {result.notices}  invalid: {result.invalid}",
            highlight=False,
        )
        for error in result.errors[:SHOWN_ERRORS]:
            console.print(f"  {error}", highlight=False, markup=False, soft_wrap=True)
        hidden = result.error_count - min(len(result.errors), SHOWN_ERRORS)
        if hidden > 0:
            console.print(f"  ... and {hidden} more (see --json)", highlight=False)
        if code:
            console.print("invalid rows found; fix them or pass --skip-invalid", highlight=False)

    return render
