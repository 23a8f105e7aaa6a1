"""CLI: ``optout lineage record-model`` — record a model trained on a dataset's current version."""

from __future__ import annotations

from pathlib import Path

import typer

from optout.cli.output import JSON_OPTION, finish, reported_errors

app = typer.Typer(no_args_is_help=True, help="Which models were trained on which datasets.")


@app.command("record-model")
def record_model(
    dataset: Path = typer.Option(..., "--dataset", help="The dataset directory it trained on."),
    name: str = typer.Option(..., "--name", help="The model's name."),
    version: str = typer.Option(..., "--version", help="The model's version."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Record that a model was trained on the dataset's current version."""
    from optout.enforce.lineage import record_model_on
    from optout.registry import open_registry

    with reported_errors(as_json):
        with open_registry() as registry:
            payload = record_model_on(registry, dataset, name=name, version=version)
        text = (f"recorded {payload['name']} {payload['version']} as trained on version "
                f"{payload['dataset_version']} of {payload['dataset']}")  # fmt: skip
        finish(payload, as_json=as_json, render=lambda c: c.print(text, highlight=False))
