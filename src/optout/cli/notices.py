"""CLI: ``optout notices import``."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

from optout.cli.output import JSON_OPTION, finish, make_progress, reported_errors
from optout.registry import import_notice_file, open_registry
from optout.registry.files import count_rows

app = typer.Typer(no_args_is_help=True, help="Record that accounts were told about AI training.")

PROGRESS_MIN_ROWS = 10_000


@app.command("import")
def import_(
    file: Path = typer.Argument(..., help="notices.jsonl or notices.parquet."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Record notices ({account_id, channel, sent_at}); known ones count as unchanged."""
    with reported_errors(as_json):
        counts = _import_with_progress(file)
        finish(counts, as_json=as_json, render=lambda c: _render(c, counts))


def _import_with_progress(file: Path) -> dict[str, int]:
    total = count_rows(file) if file.is_file() else 0
    with open_registry() as registry, make_progress() as progress:
        task = progress.add_task("importing notices", total=total,
                                 visible=total >= PROGRESS_MIN_ROWS)  # fmt: skip
        with registry.session() as session:
            return import_notice_file(session, file, progress=lambda n: progress.advance(task, n))


def _render(console: Console, counts: dict[str, int]) -> None:
    console.print(f"imported: {counts['imported']}, unchanged: {counts['unchanged']}")
