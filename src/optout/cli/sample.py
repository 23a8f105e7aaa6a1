"""CLI: ``optout sample`` writes a realistic, seeded sample export with gold labels."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any

import typer
from rich.console import Console

from optout.cli.output import JSON_OPTION, finish, make_progress, reported_errors
from optout.corpus.sample import DEFAULT_REFERENCE_DATE, Summary, generate_sample
from optout.errors import InputError


def sample(
    out_dir: Path = typer.Argument(..., help="Directory to write the export into."),
    accounts: int = typer.Option(1000, "--accounts", help="Number of accounts (~10 items each)."),
    seed: int = typer.Option(0, "--seed", help="Seed; the same seed gives the same bytes."),
    reference_date: str = typer.Option(
        DEFAULT_REFERENCE_DATE.isoformat(),
        "--reference-date",
        help="YYYY-MM-DD that ages and all timestamps are anchored to.",
    ),
    workers: int = typer.Option(
        0, "--workers", help="Processes generating content (0: one per CPU, up to 8)."
    ),
    force: bool = typer.Option(False, "--force", help="Write into a non-empty directory."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Write a realistic sample export: accounts, content, media, notices, objections, gold."""
    with reported_errors(as_json):
        anchor = _parse_date(reference_date)
        _check_target(out_dir, accounts, force)
        with make_progress() as progress:
            summary = generate_sample(
                out_dir,
                accounts,
                seed,
                anchor,
                progress=_tracker(progress),
                workers=workers or min(8, os.cpu_count() or 1),
            )
        finish(summary.as_dict(), as_json=as_json, render=_render(summary))


def _parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError("--reference-date must be a date YYYY-MM-DD") from None


def _check_target(out_dir: Path, accounts: int, force: bool) -> None:
    if accounts < 1:
        raise InputError("--accounts must be at least 1")
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(f"{out_dir} exists and is not a directory")
    if out_dir.is_dir() and any(out_dir.iterdir()) and not force:
        raise InputError(f"{out_dir} is not empty; pass --force to write into it")


def _tracker(progress: Any) -> Any:
    tasks: dict[str, Any] = {}

    def update(stage: str, advance: int, total: int) -> None:
        if stage not in tasks:
            tasks[stage] = progress.add_task(f"writing {stage}", total=total)
        progress.update(tasks[stage], advance=advance)

    return update


def _render(summary: Summary) -> Any:
    def render(console: Console) -> None:
        result = summary.as_dict()
        console.print(f"sample export written to {result['out_dir']}", highlight=False)
        for key in ("accounts", "content", "media", "gold", "notices", "objections"):
            console.print(f"  {key}: {result[key]}", highlight=False)
        console.print(
            f"  {result['seconds']} s in all; content stage "
            f"{result['stage_seconds'].get('content', 0)} s, "
            f"{result['content_stage_rows_per_s']} rows/s",
            highlight=False,
        )

    return render
