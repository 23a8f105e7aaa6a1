"""CLI: ``optout exclusions export|public-key|verify`` — the signed feed of objectors' keys."""

from __future__ import annotations

from pathlib import Path

import typer

from optout.cli.output import JSON_OPTION, finish, reported_errors
from optout.config import get_settings

app = typer.Typer(no_args_is_help=True, help="The signed exclusions feed for downstream teams.")


@app.command("export")
def export(
    dataset: Path = typer.Argument(..., help="The dataset directory."),
    out: Path = typer.Option(Path("exclusions.json"), "--out", help="Where to write the feed."),
    export_dir: Path | None = typer.Option(
        None, "--export", help="The export: adds author keys of accounts matched by email."
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    """Write the author and email pseudonyms of every objector up to the dataset's watermark."""
    from optout.enforce.feed import build_feed, write_feed
    from optout.registry import open_registry

    with reported_errors(as_json):
        settings = get_settings()
        with open_registry(settings.database_url) as registry:
            document = build_feed(registry, settings, dataset, export_dir)
        write_feed(document, out)
        payload = {"out": str(out), **document["manifest"]}
        text = f"wrote {out}: {payload['counts']} up to watermark {payload['watermark']}"
        finish(payload, as_json=as_json, render=lambda c: c.print(text, highlight=False))


@app.command("public-key")
def public_key(as_json: bool = JSON_OPTION) -> None:
    """Print the public key that verifies the feed (PEM), to publish."""
    from optout.enforce.feed import public_key_info

    with reported_errors(as_json):
        info = public_key_info(get_settings())
        finish(info, as_json=as_json, render=lambda c: c.print(info["public_key_pem"], end=""))


@app.command("verify")
def verify(
    feed: Path = typer.Argument(..., help="A feed written by `optout exclusions export`."),
    key_file: Path | None = typer.Option(
        None, "--public-key", help="The published public key (PEM); default: this operator's."
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    """Check the feed's Ed25519 signature and its key list (exit 1 if either fails)."""
    from optout.enforce.feed import load_public_key, load_signing_key, verify_feed
    from optout.errors import InputError

    with reported_errors(as_json):
        if key_file is not None:
            try:
                key = load_public_key(key_file.read_bytes())
            except OSError as exc:
                raise InputError(f"cannot read the public key {key_file}") from exc
        else:
            key = load_signing_key(get_settings()).public_key()
        result = verify_feed(feed, key)
        finish(result, as_json=as_json, render=lambda c: c.print(f"[green]ok[/]: {feed}"))
