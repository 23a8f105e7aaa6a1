"""CLI: ``optout eval redaction FILE.jsonl`` — recall, precision, false positives of redaction."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from optout.cli.output import JSON_OPTION, err_console, finish, reported_errors
from optout.errors import InputError, RowError

app = typer.Typer(help="Measure optout's detectors on labelled data.", no_args_is_help=True)

# spans do not depend on the secret: evaluation needs no operator key
_EVAL_SECRET = b"optout-evaluation-only"


@app.command("redaction")
def redaction(
    file: Path = typer.Argument(..., help="JSON Lines: {text, spans, lang}."),
    half: str = typer.Option("all", "--half", help="dev (first half of the lines), test or all."),
    lang: str | None = typer.Option(None, "--lang", help="Only lines in this language."),
    accounts: Path | None = typer.Option(
        None, "--accounts", help="accounts.jsonl whose names and handles form the directory."
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    """Score the person and personal-data detectors on labelled spans."""
    from optout.redact.evaluate import HALVES, evaluate, example_from_line, select_half

    with reported_errors(as_json):
        if half not in HALVES:
            raise InputError(f"--half must be one of {', '.join(HALVES)}")
        lines = select_half(_read_lines(file), half)
        account_rows = _read_accounts(accounts) if accounts else []
        countries = {row["account_id"]: row.get("country") for row in account_rows}
        examples = [
            example_from_line(line, _author_region(line, countries))
            for line in lines if lang is None or line.get("lang") == lang
        ]
        err_console.print(f"scoring {len(examples)} texts", highlight=False)
        tally = evaluate(examples, _finder(account_rows))
        payload = {"file": str(file), "half": half, "lang": lang,
                   "directory_accounts": len(account_rows), **tally.summary()}
        finish(payload, as_json=as_json, render=lambda c: _render(c, payload))


def _author_region(line: dict[str, Any], countries: dict[str, str | None]) -> str | None:
    from optout.redact.evaluate import author_account_id

    account_id = author_account_id(line.get("id"))
    return countries.get(account_id) if account_id else None


def _finder(account_rows: list[dict[str, Any]]) -> Any:
    import pyarrow as pa

    from optout.keys import Pseudonymizer
    from optout.redact import PeopleDirectory, RedactionConfig
    from optout.redact.evaluate import span_finder

    columns = ("account_id", "username", "display_name", "country")
    table = pa.table({name: pa.array([row.get(name) for row in account_rows], pa.string())
                      for name in columns})
    directory = PeopleDirectory.build(table, set(), [], [], Pseudonymizer(_EVAL_SECRET))
    return span_finder(directory, RedactionConfig())


def _read_lines(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    lines: list[dict[str, Any]] = []
    errors: list[RowError] = []
    with path.open(encoding="utf-8") as handle:
        for row, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            try:
                line = json.loads(raw)
                _check_line(line)
            except (ValueError, TypeError, KeyError) as exc:
                reason = "not JSON" if isinstance(exc, json.JSONDecodeError) else str(exc)
                errors.append(RowError(str(path), row, "spans", reason))
                continue
            lines.append(line)
    if errors:
        raise InputError(f"{path}: {len(errors)} unreadable lines", errors)
    return lines


def _check_line(line: Any) -> None:
    if not isinstance(line, dict) or not isinstance(line.get("text"), str):
        raise ValueError("a line needs a text")
    for span in line.get("spans") or []:
        start, end = span["start"], span["end"]
        if not (isinstance(start, int) and isinstance(end, int)
                and 0 <= start <= end <= len(line["text"]) and isinstance(span["label"], str)):
            raise ValueError("a span needs start <= end inside the text and a label")


def _read_accounts(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    rows: list[dict[str, Any]] = []
    with path.open(encoding="utf-8") as handle:
        for row, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            try:
                account = json.loads(raw)
                if not isinstance(account, dict) or not isinstance(account.get("account_id"), str):
                    raise ValueError
            except ValueError:
                raise InputError(f"{path}: unreadable account",
                                 [RowError(str(path), row, "account_id", "not an account")]
                                 ) from None
            rows.append(account)
    return rows


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"


def _render(console: Console, payload: dict[str, Any]) -> None:
    console.print(f"{payload['file']} ({payload['half']}): {payload['texts']} texts, "
                  f"directory of {payload['directory_accounts']} accounts", highlight=False)
    table = Table("language", "label", "gold", "recall", "predicted", "precision")
    for label, counts in payload["labels"].items():
        table.add_row("all", label, str(counts["gold"]), _fmt(counts["recall"]),
                      str(counts["predicted"]), _fmt(counts["precision"]))
    if len(payload["languages"]) > 1:
        for lang, labels in payload["languages"].items():
            for label, counts in labels.items():
                table.add_row(lang, label, str(counts["gold"]), _fmt(counts["recall"]),
                              str(counts["predicted"]), _fmt(counts["precision"]))
    console.print(table)
    for name, counts in payload["by_source"].items():
        console.print(f"{name}: recall {_fmt(counts['recall'])} of {counts['gold']}",
                      highlight=False)
    free = payload["entity_free"]
    per_1000 = "-" if free["per_1000_sentences"] is None else free["per_1000_sentences"]
    console.print(f"texts with no entity: {free['sentences']}, false positives "
                  f"{free['false_positives']} ({per_1000} per 1,000) {free['by_label']}",
                  highlight=False)
