"""Property: one corrupted row among valid ones is reported at its row and field, never kept."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from optout.corpus.reader import ExportReader
from tests.corpus.exports import account, post, write_export

IDS = st.text(alphabet="abcdefghij0123456789", min_size=1, max_size=8)
TEXT = st.text(max_size=40)

# corruption -> (how to change the row, the field that must be named)
CORRUPTIONS: dict[str, tuple[Any, str]] = {
    "drop_required": (lambda row: row.pop("created_at"), "created_at"),
    "wrong_type": (lambda row: row.update(noai="no"), "noai"),
    "bad_enum": (lambda row: row.update(kind="blogpost"), "kind"),
    "bad_date": (lambda row: row.update(created_at="2024-02-31T00:00:00Z"), "created_at"),
    "naive_timestamp": (lambda row: row.update(created_at="2024-02-01T00:00:00"), "created_at"),
    "bad_rating": (lambda row: row.update(rating=6), "rating"),
    "orphan": (lambda row: row.update(account_id="nobody"), "account_id"),
    "bad_media": (lambda row: row.update(media=[{"path": "../x.jpg"}]), "media[0].path"),
    "absolute_media": (lambda row: row.update(media=[{"path": "/x.jpg"}]), "media[0].path"),
    "duplicate": (None, "content_id"),
}


@st.composite
def exports(draw: st.DrawFn) -> tuple[list[dict], list[dict], int, str]:
    account_ids = draw(st.lists(IDS, min_size=1, max_size=4, unique=True))
    content_ids = draw(st.lists(IDS, min_size=2, max_size=25, unique=True))
    rows = [
        post(
            cid,
            draw(st.sampled_from(account_ids)),
            text=draw(TEXT),
            kind=draw(st.sampled_from(["post", "comment", "review", "ai_chat"])),
            rating=draw(st.none() | st.integers(1, 5)),
            mentions=draw(st.lists(st.sampled_from(account_ids), max_size=2)),
        )
        for cid in content_ids
    ]
    victim = draw(st.integers(1, len(rows) - 1))
    corruption = draw(st.sampled_from(sorted(CORRUPTIONS)))
    change, _ = CORRUPTIONS[corruption]
    if change is None:
        rows[victim]["content_id"] = rows[draw(st.integers(0, victim - 1))]["content_id"]
    else:
        change(rows[victim])
    return [account(a) for a in account_ids], rows, victim, corruption


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(export=exports(), fmt=st.sampled_from(["jsonl", "parquet"]), batch=st.integers(1, 8))
def test_corrupted_row_is_reported_and_never_yielded(
    tmp_path_factory: Any, export: tuple[list[dict], list[dict], int, str], fmt: str, batch: int
) -> None:
    accounts, rows, victim, corruption = export
    if fmt == "parquet" and corruption == "wrong_type":
        return  # a Parquet column has one type: a wrong type is a file error, tested elsewhere
    root = write_export(Path(tmp_path_factory.mktemp("export")), accounts, rows, fmt=fmt)
    reader = ExportReader(root, batch_size=batch, skip_invalid=True)
    kept = pa.Table.from_batches(list(reader.content())).column("content_id").to_pylist()
    expected_field = CORRUPTIONS[corruption][1]
    assert [(e.row, e.field) for e in reader.errors] == [(victim + 1, expected_field)]
    assert reader.invalid["content"] == 1
    assert kept == [row["content_id"] for i, row in enumerate(rows) if i != victim]
