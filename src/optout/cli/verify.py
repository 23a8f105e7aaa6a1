"""CLI: ``optout verify`` checks a dataset against the registry as it is now."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.table import Table

from optout.cli.output import JSON_OPTION, finish, reported_errors
from optout.config import get_settings
from optout.errors import EXIT_CHECK_FAILED, EXIT_OK

if TYPE_CHECKING:
    from optout.enforce.verify import VerifyReport


def verify(
    dataset_dir: Path = typer.Argument(..., help="The dataset directory (holds manifest.json)."),
    full: bool = typer.Option(
        False, "--full", help="Also scan every file under the directory, old versions included."
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    """Check that a dataset holds no objector, no objector's name, no PII, no tampering."""
    from optout.enforce.verify import verify_dataset  # heavy: import on use
    from optout.keys import Pseudonymizer
    from optout.registry.db import open_registry

    with reported_errors(as_json):
        settings = get_settings()
        with open_registry(settings.database_url) as registry:
            report = verify_dataset(
                dataset_dir, registry, Pseudonymizer(settings.secret), full=full
            )
    code = EXIT_OK if report.ok else EXIT_CHECK_FAILED
    finish(report.as_dict(), as_json=as_json, render=lambda c: _render(c, report), code=code)


def _render(console: Console, report: VerifyReport) -> None:
    if report.ok:
        console.print("[bold green]ok[/]: the dataset honours every objection in the registry.")
        return
    summary = report.as_dict()
    console.print(f"[bold red]failed[/]: {summary['violations']:,} violation(s).")
    table = Table("check", "count")
    for check, count in summary["checks"].items():
        table.add_row(check, f"{count:,}")
    console.print(table)
    for location in summary["locations"][:20]:
        where = location["file"] or "-"
        row = "" if location["row"] is None else f" row {location['row']}"
        console.print(f"  {location['check']}: {where}{row}", highlight=False)
