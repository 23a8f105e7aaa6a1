"""The dataset's keys: every row keyed, a reply keyed to its parent, nothing raw left."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from optout.keys import Pseudonymizer
from tests.conftest import TEST_SECRET
from tests.pipeline.conftest import account, dataset_rows, post, write_export


def test_rows_are_keyed_and_replies_point_at_their_parents_key(
    tmp_path: Path, build: Callable[..., dict[str, Any]]
) -> None:
    export = write_export(
        tmp_path / "export",
        [account("alice"), account("bob")],
        [
            post("p1", "alice", "Ein schöner Tag am See."),
            post("c1", "bob", "Wirklich schön!", kind="comment", parent_id="p1"),
            post("c2", "bob", "Und noch ein Kommentar.", kind="comment", parent_id="p1"),
        ],
    )
    build(export)
    keys = Pseudonymizer(TEST_SECRET.encode())
    rows = {row["content_key"]: row for row in dataset_rows(tmp_path / "dataset")}
    assert set(rows) == {keys.content(c) for c in ("p1", "c1", "c2")}
    assert rows[keys.content("p1")]["parent_key"] is None
    assert rows[keys.content("c1")]["parent_key"] == keys.content("p1")
    assert rows[keys.content("c2")]["parent_key"] == keys.content("p1")
    assert rows[keys.content("c1")]["author_key"] == keys.author("bob")
