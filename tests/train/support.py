"""Test helpers of lineage, the training gate and the feed: a CLI with their commands, builds."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer
from typer.testing import CliRunner

from optout.cli import app as main_app
from optout.cli import exclusions, lineage, lookup
from tests.pipeline.conftest import AS_OF, account, post, write_export, write_jsonl

__all__ = ["AS_OF", "account", "build", "cli", "invoke", "post", "write_export", "write_jsonl"]


def cli() -> typer.Typer:
    """The ``optout`` app with the lineage, lookup and exclusions commands registered."""
    app = typer.Typer(no_args_is_help=True, pretty_exceptions_enable=False, add_completion=False)
    app.registered_commands = list(main_app.registered_commands)
    app.registered_groups = list(main_app.registered_groups)
    app.add_typer(lineage.app, name="lineage")
    app.command("lookup")(lookup.lookup)
    app.add_typer(exclusions.app, name="exclusions")
    return app


APP = cli()


def invoke(*args: str, expect: int | None = 0, as_json: bool = True) -> dict[str, Any]:
    """Run ``optout ARGS --json``; check the exit code; return the JSON object printed."""
    result = CliRunner().invoke(APP, [*args, "--json"] if as_json else list(args))
    if expect is not None:
        assert result.exit_code == expect, result.output
    if not as_json:
        return {"output": result.stdout}
    try:
        return json.loads(result.stdout)
    except json.JSONDecodeError:
        raise AssertionError(f"not JSON (exit {result.exit_code}): {result.output}") from None


def build(export: Path, out: Path) -> dict[str, Any]:
    """Build ``export`` into ``out`` inline (no worker processes)."""
    return invoke("build", str(export), "--out", str(out), "--as-of", AS_OF, "--workers", "0")


def import_objections(directory: Path, rows: list[dict[str, Any]]) -> dict[str, Any]:
    path = write_jsonl(directory / f"objections-{len(list(directory.iterdir()))}.jsonl", rows)
    return invoke("objections", "import", str(path))


def objection(email: str, **fields: Any) -> dict[str, Any]:
    """A confirmed objection row."""
    return {"email": email, "country": "DE", "submitted_at": "2026-05-01T10:00:00Z",
            "confirmed_at": "2026-05-01T12:00:00Z", **fields}  # fmt: skip


def sample_export(directory: Path) -> Path:
    """Three adult EEA authors with two posts each."""
    accounts = [account("ana"), account("bob"), account("cy")]
    content = [post(f"{a}{i}", a, f"Post number {i} about the weather") for a in
               ("ana", "bob", "cy") for i in (1, 2)]  # fmt: skip
    return write_export(directory, accounts, content)
