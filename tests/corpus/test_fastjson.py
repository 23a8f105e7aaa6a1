"""The DuckDB fast path: clean blocks parse fast; every doubtful block is reported exactly."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pytest

from optout.corpus import jsonl
from optout.corpus.fastjson import FastParser
from optout.corpus.schema import CONTENT, CONTENT_SCHEMA
from tests.corpus.exports import account, post, write_export
from tests.corpus.test_reader import read_all

LENIENT_IN_DUCKDB = [
    post("c1", text=42),
    post("c1", text={"a": 1}),
    {**post("c1"), "content_id": 42},
    {**post("c1"), "account_id": 7},
    post("c1", kind=3),
    post("c1", created_at=1700000000),
    post("c1", noai="yes"),
    post("c1", noai="true"),
    post("c1", noai=1),
    post("c1", rating=4.5),
    post("c1", rating="5"),
    post("c1", rating=5.0),
    post("c1", rating=True),
    post("c1", rating=10**20),
    post("c1", mentions=[1]),
    post("c1", mentions="a1"),
    post("c1", media=[{"path": 1}]),
    post("c1", media=["x.jpg"]),
    '{"content_id": "c1", "content_id": "c2", "account_id": "a1"}',
    '{"content_id": "c1"} {"content_id": "c2"}',
    "null",
    "",
    "   ",
]


def outcome(root: Path) -> tuple[list[tuple[str, int, str, str]], list[str]]:
    reader, tables = read_all(root)
    errors = [(e.file, e.row, e.field, e.reason) for e in reader.errors]
    return errors, tables["content"].column("content_id").to_pylist()


def exact_outcome(root: Path, monkeypatch: pytest.MonkeyPatch) -> object:
    with monkeypatch.context() as patched:
        patched.setattr(FastParser, "parse", lambda self, block, lines: None)
        return outcome(root)


@pytest.mark.parametrize("row", LENIENT_IN_DUCKDB, ids=range(len(LENIENT_IN_DUCKDB)))
def test_block_the_fast_parser_doubts_is_reported_exactly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, row: object
) -> None:
    content = [post("c0"), row, post("c9")]
    root = write_export(tmp_path / "x", [account()], content)  # type: ignore[arg-type]
    assert outcome(root) == exact_outcome(root, monkeypatch)
    errors, kept = outcome(root)
    assert kept[0] == "c0" and kept[-1] == "c9"
    assert all(error[1] == 2 for error in errors)


@pytest.mark.parametrize("value", ["123", "-1", "[deleted]", "{x}", "true", "false", "7 days"])
def test_texts_that_look_like_json_values_stay_strings(tmp_path: Path, value: str) -> None:
    content = [post(value, text=value, mentions=[value], media=None), post("c2", text=value)]
    root = write_export(tmp_path / "x", [account()], content)
    block = (root / "content.jsonl").read_bytes()
    parser = FastParser(CONTENT)
    parsed = parser.parse(block, 2)
    parser.close()
    assert parsed is not None
    assert parsed.column("text").to_pylist() == [value, value]
    errors, kept = outcome(root)
    assert errors == [] and kept == [value, "c2"]


def test_fast_rows_match_the_exact_parse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [
        post("c1", text='é \u2028 "q" \\ \n tab\t', rating=3, mentions=["a1", "b"]),
        post("c2", media=[{"path": "m.jpg", "alt_text": None}], deleted_at=None, noai=True),
        post("c3", created_at="2024-03-01T10:00:00.123456789Z", extra={"text": 5}),
    ]
    root = write_export(tmp_path / "x", [account()], rows)
    (root / "m.jpg").write_bytes(b"\xff")
    fast = pa.Table.from_batches(list(read_all(root)[1]["content"].to_batches()), CONTENT_SCHEMA)
    with monkeypatch.context() as patched:
        patched.setattr(FastParser, "parse", lambda self, block, lines: None)
        exact = read_all(root)[1]["content"]
    assert fast.equals(exact)
    assert fast.num_rows == 3


def test_errors_in_a_fast_block_are_worded_exactly(tmp_path: Path) -> None:
    content = [post("c0"), post("c1", created_at=17), post("c2", kind="bogus")]
    root = write_export(tmp_path / "x", [account()], content)
    errors, kept = outcome(root)
    assert [(row, field) for _, row, field, _ in errors] == [(2, "created_at"), (3, "kind")]
    assert "must be an RFC 3339 timestamp string" in errors[0][3]
    assert kept == ["c0"]


@pytest.mark.parametrize("block_bytes", [7, 64, 300])
@pytest.mark.parametrize("batch_size", [1, 2, 5, 65_536])
def test_blocks_keep_line_numbers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, block_bytes: int, batch_size: int
) -> None:
    monkeypatch.setattr(jsonl, "BLOCK_BYTES", block_bytes)
    content = [post(f"c{i}") for i in range(7)] + ["", post("c3"), "oops", post("c8", kind="x")]
    root = write_export(tmp_path / "x", [account()], content)
    path = root / "content.jsonl"
    path.write_bytes(path.read_bytes().rstrip(b"\n"))  # the last line has no newline
    reader, tables = read_all(root, batch_size=batch_size)
    assert [(e.row, e.field) for e in reader.errors] == [(9, "content_id"), (10, "-"), (11, "kind")]
    assert tables["content"].column("content_id").to_pylist() == [f"c{i}" for i in range(7)]


def test_progress_counts_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jsonl, "BLOCK_BYTES", 1000)
    root = write_export(tmp_path / "x", [account()], [post(f"c{i}") for i in range(5)])
    size = (root / "content.jsonl").stat().st_size
    chunks = list(jsonl.read_chunks(root / "content.jsonl", CONTENT, 2))
    progress = [chunk.progress for chunk in chunks]
    assert progress == sorted(progress) and progress[-1] == size
    assert all(len(chunk.rows) <= 2 for chunk in chunks)
    assert sum(len(chunk.rows) for chunk in chunks) == 5 and len(chunks) < 5


def test_a_block_is_cut_into_pieces_of_about_equal_length() -> None:
    block = b"".join(b'{"n": %d}\n' % i for i in range(10))
    pieces = list(jsonl._split_block(block, 4, progress=1000 + len(block)))
    assert [lines for _, lines, _ in pieces] == [3, 3, 4]  # not 4, 4, 2
    assert b"".join(piece for piece, _, _ in pieces) == block
    assert [progress for _, _, progress in pieces][-1] == 1000 + len(block)


def test_split_lines_keeps_every_line(tmp_path: Path) -> None:
    lines = [json.dumps(post(f"c{i}")) for i in range(3)]
    assert jsonl.split_lines(("\n".join(lines) + "\n").encode()) == [
        (line + "\n").encode() for line in lines
    ]
    assert jsonl.line_count(b"{}\n{}") == 2 and jsonl.line_count(b"{}\n") == 1
