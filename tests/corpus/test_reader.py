"""The export reader: strict schemas, every kind of row error, JSON Lines and Parquet."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from optout.corpus.reader import ExportReader, InvalidExport, check_export
from optout.corpus.schema import ACCOUNTS_SCHEMA, CONTENT_SCHEMA, NOTICES_SCHEMA
from optout.errors import InputError
from tests.corpus.exports import account, notice, post, write_export


def read_all(root: Path, **options: object) -> tuple[ExportReader, dict[str, pa.Table]]:
    reader = ExportReader(root, skip_invalid=True, **options)  # type: ignore[arg-type]
    tables = {
        "accounts": pa.Table.from_batches(list(reader.accounts()), ACCOUNTS_SCHEMA),
        "content": pa.Table.from_batches(list(reader.content()), CONTENT_SCHEMA),
        "notices": pa.Table.from_batches(list(reader.notices()), NOTICES_SCHEMA),
    }
    return reader, tables


def errors_of(root: Path) -> list[tuple[str, int, str, str]]:
    reader, _ = read_all(root)
    return [(e.file, e.row, e.field, e.reason) for e in reader.errors]


@pytest.mark.parametrize("fmt", ["jsonl", "parquet"])
def test_valid_export_reads_with_strict_schemas(tmp_path: Path, fmt: str) -> None:
    rows = [post("c1", rating=4, media=None), post("c2", mentions=["a1"])]
    root = write_export(tmp_path / "x", [account("a1")], rows, [notice("a1")], fmt=fmt)
    reader, tables = read_all(root)
    assert reader.errors == [] and reader.invalid == {"accounts": 0, "content": 0, "notices": 0}
    assert tables["content"].schema == CONTENT_SCHEMA
    assert tables["content"].column("content_id").to_pylist() == ["c1", "c2"]
    created = tables["content"].column("created_at")[0].as_py()
    assert created == dt.datetime(2024, 3, 1, 8, 0, tzinfo=dt.UTC)
    assert tables["accounts"].column("birth_date")[0].as_py() == dt.date(1990, 5, 1)
    assert tables["content"].column("rating").to_pylist() == [4, None]
    assert tables["notices"].num_rows == 1


def test_unknown_fields_and_blank_lines_are_ignored(tmp_path: Path) -> None:
    root = write_export(tmp_path / "x", [account(extra={"nested": [1]})], [post(), "", post("c2")])
    reader, tables = read_all(root)
    assert reader.errors == []
    assert tables["content"].num_rows == 2


def test_no_notices_file_gives_no_batches(tmp_path: Path) -> None:
    root = write_export(tmp_path / "x", [account()], [post()])
    assert list(ExportReader(root).notices()) == []


@pytest.mark.parametrize(
    ("row", "field", "reason"),
    [
        (post(kind=None), "kind", "kind is required"),
        ({k: v for k, v in post().items() if k != "visibility"}, "visibility", "is required"),
        (post(content_id=""), "content_id", "content_id is empty"),
        (post(kind="telepathy"), "kind", "kind 'telepathy' is not one of post, comment"),
        (post(visibility="Everyone!"), "visibility", "visibility is not one of public"),
        (post(created_at="2024-03-01T10:00:00"), "created_at", "no time zone offset"),
        (post(created_at="yesterday"), "created_at", "not an RFC 3339 timestamp"),
        (post(created_at="2024-02-30T10:00:00Z"), "created_at", "not a valid date and time"),
        (post(created_at=1700000000), "created_at", "must be an RFC 3339 timestamp string"),
        (post(rating=9), "rating", "rating must be between 1 and 5"),
        (post(rating=0), "rating", "rating must be between 1 and 5"),
        (post(rating=4.5), "rating", "rating must be an integer"),
        (post(rating="5"), "rating", "rating must be an integer"),
        (post(noai="yes"), "noai", "noai must be true or false"),
        (post(text=42), "text", "text must be a string"),
        (post(mentions="a1"), "mentions", "mentions must be a list of strings"),
        (post(mentions=["a1", None]), "mentions", "mentions holds a null entry"),
        (post(media=["x.jpg"]), "media", "media must be a list of {path, alt_text} objects"),
        (post(account_id="ghost"), "account_id", "account_id has no account in accounts.jsonl"),
        ("{not json", "-", "line is not valid JSON"),
        ("[1, 2]", "-", "line is not a JSON object"),
        ("null", "-", "line is not a JSON object"),
    ],
)
def test_each_content_error_names_line_field_and_reason(
    tmp_path: Path, row: object, field: str, reason: str
) -> None:
    root = write_export(tmp_path / "x", [account()], [post("c0"), row, post("c9")])  # type: ignore[list-item]
    reader, tables = read_all(root)
    assert [(e.file, e.row, e.field) for e in reader.errors] == [("content.jsonl", 2, field)]
    assert reason in reader.errors[0].reason
    assert reader.invalid["content"] == 1
    assert tables["content"].column("content_id").to_pylist() == ["c0", "c9"]


@pytest.mark.parametrize(
    ("row", "field", "reason"),
    [
        (account(username=None), "username", "username is required"),
        (account(birth_date="1990-13-01"), "birth_date", "birth_date is not a valid date"),
        (account(birth_date="01/05/1990"), "birth_date", "birth_date is not a date (YYYY-MM-DD)"),
        (account(country="Spain"), "country", "country is not an ISO 3166-1 alpha-2 code"),
        (account(indexable="false"), "indexable", "indexable must be true or false"),
        (account(deleted_at="2024-01-01"), "deleted_at", "not an RFC 3339 timestamp"),
    ],
)
def test_each_account_error(tmp_path: Path, row: dict, field: str, reason: str) -> None:
    root = write_export(tmp_path / "x", [account("a0"), {**row, "account_id": "a1"}], [])
    assert errors_of(root) == [("accounts.jsonl", 2, field, errors_of(root)[0][3])]
    assert reason in errors_of(root)[0][3]


def test_repeated_ids_report_each_repeat_after_the_first(tmp_path: Path) -> None:
    content = [post("c1"), post("c2"), post("c1"), post("c1", kind="bogus"), post("c3")]
    root = write_export(tmp_path / "x", [account("a1"), account("a1")], content)
    reader, tables = read_all(root)
    found = [(e.file, e.row, e.field, e.reason) for e in reader.errors]
    assert ("accounts.jsonl", 2, "account_id", "account_id repeats the one on line 1") in found
    assert ("content.jsonl", 3, "content_id", "content_id repeats the one on line 1") in found
    assert ("content.jsonl", 4, "content_id", "content_id repeats the one on line 1") in found
    assert reader.invalid == {"accounts": 1, "content": 2, "notices": 0}
    assert tables["content"].column("content_id").to_pylist() == ["c1", "c2", "c3"]


def test_repeat_of_an_unparseable_row_is_still_a_repeat(tmp_path: Path) -> None:
    root = write_export(tmp_path / "x", [account()], ['{"content_id": "c1", "kind": 3', post()])
    found = errors_of(root)
    assert found[0][:3] == ("content.jsonl", 1, "-")
    assert len(found) == 1  # the broken line has no readable id, so c1 on line 2 is the first


def test_content_of_an_invalid_account_is_reported_as_such(tmp_path: Path) -> None:
    root = write_export(tmp_path / "x", [account("a1", created_at=None)], [post("c1", "a1")])
    found = errors_of(root)
    assert found[1][:3] == ("content.jsonl", 1, "account_id")
    assert "refers to an account that is invalid" in found[1][3]


def test_notice_for_unknown_account(tmp_path: Path) -> None:
    root = write_export(tmp_path / "x", [account()], [post()], [notice("a1"), notice("zz")])
    assert errors_of(root) == [
        ("notices.jsonl", 2, "account_id", "account_id has no account in accounts.jsonl")
    ]


def test_notice_bad_channel(tmp_path: Path) -> None:
    root = write_export(tmp_path / "x", [account()], [post()], [notice(channel="pigeon")])
    assert errors_of(root)[0][:3] == ("notices.jsonl", 1, "channel")


def test_media_paths(tmp_path: Path) -> None:
    root = tmp_path / "x"
    (root / "media").mkdir(parents=True)
    (root / "media" / "ok.jpg").write_bytes(b"\xff\xd8")
    (tmp_path / "outside.jpg").write_bytes(b"\xff\xd8")
    os.symlink(tmp_path / "outside.jpg", root / "media" / "link.jpg")
    cases = {
        "media/ok.jpg": None,
        "/etc/passwd": "is absolute",
        "media/../../outside.jpg": "leaves the export directory",
        "media/link.jpg": "resolves outside the export directory",
        "media/missing.jpg": "names a file that does not exist",
    }
    content = [post(f"c{i}", media=[{"path": p, "alt_text": "x"}]) for i, p in enumerate(cases)]
    content.append(post("c9", media=[{"alt_text": "no path"}]))
    write_export(root, [account()], content)
    found = errors_of(root)
    assert [(row, field) for _, row, field, _ in found] == [
        (i, "media[0].path") for i in range(2, 7)
    ]
    expected_reasons = [*list(cases.values())[1:], "is required"]
    for (_, _, _, reason), expected in zip(found, expected_reasons, strict=True):
        assert expected in reason


def test_errors_never_contain_the_value(tmp_path: Path) -> None:
    secret = "ana.secret@example.org"
    content = [post(kind=secret), post("c2", created_at=secret), post("c3", text=[secret])]
    root = write_export(tmp_path / "x", [account(country=secret)], content)
    found = errors_of(root)
    assert len(found) >= 4
    assert all(secret not in str(error) and "ana" not in str(error) for error in found)


def test_strict_reader_raises_with_the_errors(tmp_path: Path) -> None:
    root = write_export(tmp_path / "x", [account()], [post(kind="bogus")])
    reader = ExportReader(root)
    list(reader.accounts())
    with pytest.raises(InputError) as raised:
        list(reader.content())
    assert raised.value.errors[0].field == "kind"


def test_check_export_counts_and_raises(tmp_path: Path) -> None:
    root = write_export(tmp_path / "x", [account()], [post(), post("c2", kind="bogus")])
    with pytest.raises(InvalidExport) as raised:
        check_export(root)
    assert raised.value.check.as_dict()["invalid"] == 1
    check = check_export(root, skip_invalid=True)
    assert (check.accounts, check.content, check.notices, check.invalid) == (1, 1, 0, 1)


def test_errors_are_capped_but_counted(tmp_path: Path) -> None:
    root = write_export(tmp_path / "x", [account()], [post(f"c{i}", kind="x") for i in range(30)])
    reader, _ = read_all(root, max_errors=10)
    assert len(reader.errors) == 10 and reader.invalid["content"] == 30


def test_small_batches_keep_line_numbers(tmp_path: Path) -> None:
    content = [post(f"c{i}") for i in range(10)] + [post("c3")] + ["oops"]
    root = write_export(tmp_path / "x", [account()], content)
    reader, tables = read_all(root, batch_size=3)
    assert [(e.row, e.field) for e in reader.errors] == [(11, "content_id"), (12, "-")]
    assert tables["content"].num_rows == 10


def test_missing_files_and_directory_are_input_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        ExportReader(tmp_path / "nope")
    root = write_export(tmp_path / "x", [account()], [])
    (root / "content.jsonl").unlink()
    with pytest.raises(InputError, match=r"no content\.jsonl or content\.parquet"):
        ExportReader(root)
    write_export(root, [account()], [post()])
    pq.write_table(pa.table({"content_id": ["c1"]}), root / "content.parquet")
    with pytest.raises(InputError, match="both"):
        ExportReader(root)


def test_parquet_errors_use_row_index(tmp_path: Path) -> None:
    content = [post("c1"), post("c2", kind="bogus"), post("c1"), post("c4", account_id="zz")]
    root = write_export(tmp_path / "x", [account()], content, fmt="parquet")
    assert [(f, r, c) for f, r, c, _ in errors_of(root)] == [
        ("content.parquet", 2, "kind"),
        ("content.parquet", 3, "content_id"),
        ("content.parquet", 4, "account_id"),
    ]


def test_parquet_native_types(tmp_path: Path) -> None:
    root = write_export(tmp_path / "x", [account()], [post()])
    (root / "content.jsonl").unlink()
    when = pa.array([dt.datetime(2024, 1, 1, 12)], pa.timestamp("ms", tz="Europe/Madrid"))
    table = pa.table(
        {
            "content_id": ["c1"],
            "account_id": pa.array(["a1"]).dictionary_encode(),
            "kind": ["post"],
            "visibility": ["public"],
            "created_at": when,
            "rating": pa.array([3], pa.int32()),
        }
    )
    pq.write_table(table, root / "content.parquet")
    reader, tables = read_all(root)
    assert reader.errors == []
    assert tables["content"].column("rating").to_pylist() == [3]
    assert tables["content"].column("created_at")[0].as_py().hour == 12


def test_parquet_naive_timestamp_column_is_an_input_error(tmp_path: Path) -> None:
    root = write_export(tmp_path / "x", [account()], [post()])
    (root / "content.jsonl").unlink()
    table = pa.table({"content_id": ["c1"], "created_at": [dt.datetime(2024, 1, 1)]})
    pq.write_table(table, root / "content.parquet")
    with pytest.raises(InputError, match="created_at"):
        list(ExportReader(root, skip_invalid=True).content())


def test_media_problems_are_found_in_any_item_of_a_row(tmp_path: Path) -> None:
    root = tmp_path / "x"
    (root / "media").mkdir(parents=True)
    (root / "media" / "ok.jpg").write_bytes(b"\xff\xd8")
    good = {"path": "media/ok.jpg", "alt_text": None}
    content = [
        post("c1", media=[good, good]),
        post("c2", media=[good, None]),
        post("c3", media=[good, {"path": "media/missing.jpg"}]),
        post("c4", media=[good, {"path": ""}]),
        post("c5", media=[]),
    ]
    write_export(root, [account()], content)
    found = [(row, field) for _, row, field, _ in errors_of(root)]
    assert found == [(2, "media[1]"), (3, "media[1].path"), (4, "media[1].path")]
