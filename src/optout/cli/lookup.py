"""CLI: ``optout lookup --email X`` — which datasets and models held a person, and until when."""

from __future__ import annotations

from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from optout.cli.output import JSON_OPTION, finish, reported_errors


def lookup(
    email: str = typer.Option(..., "--email", help="The person's email address."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Show the dataset versions that held a person, the models trained on them, and removal."""
    from optout.enforce.lineage import lookup_email
    from optout.registry import open_registry

    with reported_errors(as_json):
        with open_registry() as registry:
            payload = lookup_email(registry, email)
        finish(payload, as_json=as_json, render=lambda c: _render(c, payload))


def _render(console: Console, payload: dict[str, Any]) -> None:
    objection = payload["objection"]
    state = objection["status"] if objection else "no objection"
    console.print(f"person {payload['email_key'][:16]}…: {state}", highlight=False)
    if not payload["datasets"]:
        console.print("no recorded dataset version holds this person")
        return
    table = Table("dataset", "versions holding", "models", "removed")
    for dataset in payload["datasets"]:
        models = ", ".join(f"{m['name']} {m['version']}" for m in dataset["models"]) or "-"
        removed = (f"{dataset['removed_at']} (version {dataset['removed_in_version']})"
                   if dataset["removed_at"] else "still held")  # fmt: skip
        versions = ", ".join(str(v) for v in dataset["versions_holding"])
        table.add_row(dataset["path"], versions, models, removed)
    console.print(table)
