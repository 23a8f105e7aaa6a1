"""What an export says now, keyed: items and accounts gone, standing objections, emails."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from optout.corpus.reader import ExportReader
from optout.keys import Pseudonymizer


@dataclass
class ExportState:
    """Keyed facts from a current export; sets of keys, never ids, emails or text."""

    present_authors: set[str] = field(default_factory=set)
    present_items: set[str] = field(default_factory=set)
    gone_authors: set[str] = field(default_factory=set)  # deleted or standing objection
    gone_items: set[str] = field(default_factory=set)  # deleted, not public, noai
    authors_of_email: dict[str, set[str]] = field(default_factory=dict)


def read_export_state(export_dir: Path, pseudonymizer: Pseudonymizer) -> ExportState:
    """Read accounts and content of ``export_dir`` (invalid rows are skipped, not trusted)."""
    reader = ExportReader(export_dir, skip_invalid=True)
    state = ExportState()
    for batch in reader.accounts():
        _add_accounts(state, batch, pseudonymizer)
    for batch in reader.content():
        _add_content(state, batch, pseudonymizer)
    return state


def _add_accounts(state: ExportState, batch: pa.RecordBatch, pseudonymizer: Pseudonymizer) -> None:
    gone = pc.or_(
        pc.or_(pc.is_valid(batch.column("deleted_at")),
               pc.fill_null(batch.column("ai_training_opt_out"), False)),
        pc.invert(pc.fill_null(batch.column("indexable"), True)),
    )  # fmt: skip
    ids = batch.column("account_id").to_pylist()
    emails = batch.column("email").to_pylist()
    for account_id, email, is_gone in zip(ids, emails, gone.to_pylist(), strict=True):
        key = pseudonymizer.author(account_id)
        state.present_authors.add(key)
        if is_gone:
            state.gone_authors.add(key)
        if email:
            state.authors_of_email.setdefault(pseudonymizer.email(email), set()).add(key)


def _add_content(state: ExportState, batch: pa.RecordBatch, pseudonymizer: Pseudonymizer) -> None:
    gone = pc.or_(
        pc.or_(pc.is_valid(batch.column("deleted_at")),
               pc.not_equal(batch.column("visibility"), "public")),
        pc.or_(pc.equal(batch.column("kind"), "message"),
               pc.fill_null(batch.column("noai"), False)),
    )  # fmt: skip
    ids = batch.column("content_id").to_pylist()
    for content_id, is_gone in zip(ids, gone.to_pylist(), strict=True):
        key = pseudonymizer.content(content_id)
        state.present_items.add(key)
        if is_gone:
            state.gone_items.add(key)
