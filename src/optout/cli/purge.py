"""CLI: ``optout purge`` applies every objection new to a dataset, physically."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.console import Console

from optout.cli.output import JSON_OPTION, finish, reported_errors
from optout.config import get_settings
from optout.errors import InputError


def purge(
    dataset_dir: Path | None = typer.Argument(None, help="The dataset directory."),
    export_dir: Path | None = typer.Option(
        None, "--export", help="The current export: also apply deletions and opt-outs since."
    ),
    root: Path | None = typer.Option(
        None, "--all", help="Purge every dataset (directory with a manifest.json) under ROOT."
    ),
    workers: int | None = typer.Option(None, "--workers", help="Threads (default: cores)."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Remove the rows and unlink the mentions of everyone who objected since the build."""
    from optout.enforce.purge import find_datasets, purge_dataset  # heavy: import on use
    from optout.keys import Pseudonymizer
    from optout.registry.db import open_registry

    with reported_errors(as_json):
        if (dataset_dir is None) == (root is None):
            raise InputError("give either DATASET_DIR or --all ROOT")
        settings = get_settings()
        targets = find_datasets(root) if root is not None else [dataset_dir]
        pseudonymizer = Pseudonymizer(settings.secret)
        with open_registry(settings.database_url) as registry:
            results = [
                purge_dataset(path, registry, pseudonymizer, export_dir, workers).as_dict()
                for path in targets
            ]
    payload = results[0] if root is None else _combined(results)
    finish(payload, as_json=as_json, render=lambda console: _render(console, results))


def _combined(results: list[dict[str, Any]]) -> dict[str, Any]:
    totals = ("rows_removed", "rows_rewritten", "files_rewritten", "bytes_rewritten",
              "media_deleted")  # fmt: skip
    payload: dict[str, Any] = {key: sum(r[key] for r in results) for key in totals}
    payload["watermark"] = max((r["watermark"] for r in results), default=0)
    payload["datasets"] = results
    return payload


def _render(console: Console, results: list[dict[str, Any]]) -> None:
    for result in results:
        console.print(
            f"{result['dataset']}: version {result['version']}, watermark "
            f"{result['previous_watermark']} → {result['watermark']}; "
            f"{result['rows_removed']:,} rows removed, {result['rows_rewritten']:,} rewritten "
            f"in {result['files_rewritten']:,} files; {result['files_deleted']:,} old files "
            f"and {result['media_deleted']:,} images deleted.",
            highlight=False,
        )
