"""CLI: ``optout policy show`` prints the effective policy."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

from optout.cli.output import JSON_OPTION, finish, reported_errors
from optout.policy import load_policy, policy_toml

app = typer.Typer(no_args_is_help=True, help="Inspect build policies.")


@app.command("show")
def show(
    policy_file: Path | None = typer.Option(None, "--policy", help="Policy TOML file."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Print the effective policy: the file's values with every default filled in."""
    with reported_errors(as_json):
        policy = load_policy(policy_file)

    def render(console: Console) -> None:
        console.print(f"# policy sha256 {policy.sha256}", highlight=False)
        console.print(policy_toml(policy), highlight=False, markup=False)

    finish({"policy": policy.as_dict(), "sha256": policy.sha256}, as_json=as_json, render=render)
