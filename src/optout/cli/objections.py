"""CLI: ``optout objections import|list|show|withdraw``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from optout.cli.output import JSON_OPTION, finish, make_progress, reported_errors
from optout.errors import InputError
from optout.registry import (
    get_objection,
    import_objection_file,
    list_objections,
    objection_summary,
    open_registry,
    withdraw_objection,
)
from optout.registry.files import count_rows
from optout.registry.models import OBJECTION_STATUSES

app = typer.Typer(no_args_is_help=True, help="Import, list and withdraw objections.")

PROGRESS_MIN_ROWS = 10_000


@app.command("import")
def import_(
    file: Path = typer.Argument(..., help="JSON Lines file, one objection per line."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Import objections; a row with confirmed_at is imported (or updated) as confirmed."""
    with reported_errors(as_json):
        counts = _import_with_progress(file)
        finish(counts, as_json=as_json, render=lambda c: _render_counts(c, counts))


def _import_with_progress(file: Path) -> dict[str, int]:
    total = count_rows(file) if file.is_file() else 0
    with open_registry() as registry, make_progress() as progress:
        task = progress.add_task("importing objections", total=total,
                                 visible=total >= PROGRESS_MIN_ROWS)  # fmt: skip
        with registry.session() as session:
            result = import_objection_file(
                session, file, progress=lambda n: progress.advance(task, n)
            )
    return result.as_dict()


def _render_counts(console: Console, counts: dict[str, int]) -> None:
    console.print(", ".join(f"{name}: {value}" for name, value in counts.items()))


@app.command("list")
def list_(
    status: str | None = typer.Option(None, "--status", help="pending, confirmed or withdrawn."),
    as_json: bool = JSON_OPTION,
) -> None:
    """List objections, oldest submission first."""
    with reported_errors(as_json):
        if status is not None and status not in OBJECTION_STATUSES:
            raise InputError(f"--status must be one of {', '.join(OBJECTION_STATUSES)}")
        with open_registry() as registry, registry.read_session() as session:
            items = [objection_summary(o) for o in list_objections(session, status)]
        finish({"objections": items}, as_json=as_json, render=lambda c: _render_list(c, items))


def _render_list(console: Console, items: list[dict[str, Any]]) -> None:
    table = Table("id", "email / account", "status", "confirmed_at", "seq")
    for item in items:
        who = item["email"] or f"account {item['account_id']}"
        table.add_row(item["id"], who, item["status"], item["confirmed_at"] or "",
                      str(item["confirm_seq"] or ""))  # fmt: skip
    console.print(table)
    console.print(f"{len(items)} objection(s)")


@app.command("show")
def show(
    objection_id: str = typer.Argument(..., metavar="ID"), as_json: bool = JSON_OPTION
) -> None:
    """Show one objection."""
    with reported_errors(as_json):
        with open_registry() as registry, registry.read_session() as session:
            item = objection_summary(get_objection(session, objection_id))
        finish(item, as_json=as_json, render=lambda c: _render_item(c, item))


@app.command("withdraw")
def withdraw(
    objection_id: str = typer.Argument(..., metavar="ID"), as_json: bool = JSON_OPTION
) -> None:
    """Withdraw an objection: from now on it excludes nothing."""
    with reported_errors(as_json):
        with open_registry() as registry, registry.session() as session:
            item = objection_summary(withdraw_objection(session, objection_id))
        finish(item, as_json=as_json, render=lambda c: _render_item(c, item))


def _render_item(console: Console, item: dict[str, Any]) -> None:
    table = Table(show_header=False, box=None)
    for name, value in item.items():
        shown = ", ".join(value) if isinstance(value, list) else value
        table.add_row(f"[bold]{name}[/]", "" if shown is None else str(shown))
    console.print(table)
