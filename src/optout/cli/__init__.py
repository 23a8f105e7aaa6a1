"""The ``optout`` command line: parse, call one function, print (Rich or ``--json``)."""

from __future__ import annotations

import typer

from optout.cli import (
    audit,
    build,
    exclusions,
    export,
    lineage,
    lookup,
    notices,
    notify,
    objections,
    policy,
    sample,
    serve,
)
from optout.cli import eval as eval_cli
from optout.cli import purge as purge_cli
from optout.cli import verify as verify_cli

app = typer.Typer(
    name="optout",
    help="Build AI training datasets from public posts that honour every objection.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(export.app, name="export")
app.add_typer(objections.app, name="objections")
app.add_typer(notices.app, name="notices")
app.add_typer(audit.app, name="audit")
app.add_typer(policy.app, name="policy")
app.add_typer(lineage.app, name="lineage")
app.add_typer(exclusions.app, name="exclusions")
app.add_typer(eval_cli.app, name="eval")
app.command("sample")(sample.sample)
app.command("build")(build.build)
app.command("serve")(serve.serve)
app.command("notify")(notify.notify)
app.command("lookup")(lookup.lookup)
app.command("verify")(verify_cli.verify)
app.command("purge")(purge_cli.purge)


def main() -> None:
    """Console-script entry point."""
    app()
