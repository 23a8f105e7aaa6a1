"""CLI: ``optout build`` turns an export into a new dataset version."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.table import Table

from optout.cli.output import JSON_OPTION, err_console, finish, make_progress, reported_errors
from optout.config import get_settings
from optout.errors import InputError
from optout.policy import load_policy

if TYPE_CHECKING:
    from optout.pipeline.build import BuildResult


def build(
    export_dir: Path = typer.Argument(..., help="The platform export directory."),
    policy_file: Path | None = typer.Option(None, "--policy", help="Policy TOML file."),
    out: Path = typer.Option(..., "--out", help="Dataset directory (created if missing)."),
    as_of: str | None = typer.Option(
        None, "--as-of", help="RFC 3339 time the build is judged at (default now)."
    ),
    skip_invalid: bool = typer.Option(
        False, "--skip-invalid", help="Leave invalid rows out (counted) instead of failing."
    ),
    workers: int | None = typer.Option(
        None, "--workers", help="Worker processes (default: one per core; 0 runs inline)."
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    """Build the next version of a dataset that honours every confirmed objection."""
    from optout.pipeline.build import BuildRequest, build_dataset  # heavy: import on use
    from optout.registry.db import open_registry

    with reported_errors(as_json):
        settings = get_settings()
        request = BuildRequest(
            export_dir=export_dir,
            out_dir=out,
            policy=load_policy(policy_file),
            as_of=_parse_as_of(as_of),
            skip_invalid=skip_invalid,
            workers=workers,
        )
        with open_registry(settings.database_url) as registry, make_progress() as progress:
            task = progress.add_task("Building", total=None)
            result = build_dataset(
                request,
                registry,
                settings.secret,
                on_rows=lambda n: progress.advance(task, n),
            )
    for warning in result.warnings:
        err_console.print(f"[bold yellow]warning:[/] {warning}", highlight=False)
    finish(result.as_dict(), as_json=as_json, render=lambda console: _render(console, result))


def _parse_as_of(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise InputError(f"--as-of: '{value}' is not an RFC 3339 timestamp") from exc


def _render(console: Console, result: BuildResult) -> None:
    summary = result.as_dict()
    console.print(
        f"Dataset [bold]{summary['dataset']}[/] version {summary['version']}: "
        f"{summary['rows_out']:,} of {summary['rows_in']:,} rows kept."
    )
    table = Table("excluded because", "rows", title=None)
    for reason, count in summary["excluded"].items():
        table.add_row(reason, f"{count:,}")
    console.print(table)
    media = summary.get("media") or {}
    if media.get("files") or media.get("processed") or media.get("reused"):
        left_out = sum((media.get("dropped") or {}).values())
        console.print(
            f"Images: {media['files']:,} in the dataset ({media['processed']:,} processed, "
            f"{media['reused']:,} reused), {media['faces_blurred']:,} faces blurred, "
            f"{left_out:,} references left out."
        )
    console.print(f"Report: {summary['report']}")
