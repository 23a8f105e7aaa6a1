"""CLI: ``optout audit verify|head`` — check the hash chain of the registry's audit log."""

from __future__ import annotations

import typer
from rich.console import Console

from optout.cli.output import JSON_OPTION, finish, reported_errors
from optout.errors import EXIT_CHECK_FAILED, EXIT_OK
from optout.registry import ChainReport, open_registry, read_head, verify_chain

app = typer.Typer(no_args_is_help=True, help="Verify the append-only audit log.")


@app.command("verify")
def verify(
    head: str | None = typer.Option(
        None, "--head", help="A head hash exported earlier: the chain must still hold it."
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    """Recompute the chain; exit 1 naming the first bad entry if it was tampered with."""
    with reported_errors(as_json):
        with open_registry() as registry, registry.read_session() as session:
            report = verify_chain(session, expected_head=head)
        code = EXIT_OK if report.ok else EXIT_CHECK_FAILED
        finish(report.as_dict(), as_json=as_json, render=lambda c: _render(c, report), code=code)


def _render(console: Console, report: ChainReport) -> None:
    if report.ok:
        console.print(f"[green]ok[/]: {report.entries} entries, head {report.head_hash}")
    else:
        console.print(f"[bold red]audit log broken[/] at entry {report.first_bad_seq}: "
                      f"{report.problem}")  # fmt: skip


@app.command("head")
def head(as_json: bool = JSON_OPTION) -> None:
    """Print the chain's head (seq and hash), to keep outside the database."""
    with reported_errors(as_json):
        with open_registry() as registry, registry.read_session() as session:
            current = read_head(session)
        payload = {"seq": current.seq, "hash": current.hash}
        finish(payload, as_json=as_json, render=lambda c: c.print(f"{current.seq} {current.hash}"))
