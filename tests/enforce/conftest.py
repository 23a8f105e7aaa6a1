"""A CLI app with verify and purge registered, and a build runner that uses it."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from optout.cli import app as main_app
from optout.cli.purge import purge
from optout.cli.verify import verify
from tests.pipeline.conftest import AS_OF, write_jsonl, write_policy

app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
app.registered_commands = list(main_app.registered_commands)
app.registered_groups = list(main_app.registered_groups)
app.command("verify")(verify)
app.command("purge")(purge)


def invoke(*args: str) -> tuple[int, dict[str, Any]]:
    """Run ``optout ARGS --json`` (with verify and purge registered); exit code and JSON."""
    result = CliRunner().invoke(app, [*args, "--json"])
    try:
        payload = json.loads(result.stdout)
    except json.JSONDecodeError:
        raise AssertionError(
            f"not JSON (exit {result.exit_code}): {result.output} {result.exception!r}"
        ) from result.exception
    return result.exit_code, payload


@pytest.fixture
def import_objections(tmp_path: Path) -> Callable[[list[dict[str, Any]]], dict[str, Any]]:
    def run(rows: list[dict[str, Any]]) -> dict[str, Any]:
        path = write_jsonl(tmp_path / f"objections-{len(rows)}-{id(rows)}.jsonl", rows)
        code, payload = invoke("objections", "import", str(path))
        assert code == 0, payload
        return payload

    return run


@pytest.fixture
def build(tmp_path: Path) -> Callable[..., dict[str, Any]]:
    def run(export: Path, out: Path, *, policy: str | None = None) -> dict[str, Any]:
        args = ["build", str(export), "--out", str(out), "--as-of", AS_OF, "--workers", "0"]
        if policy is not None:
            args += ["--policy", str(write_policy(tmp_path, policy))]
        code, payload = invoke(*args)
        assert code == 0, payload
        return payload

    return run
