"""The fast import path: same rows, errors, stored values and audit entries as the exact one."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from optout.errors import InputError
from optout.registry import Registry, import_objection_file, list_objections, verify_chain
from optout.registry import objections as module
from optout.registry.fields import FieldProblem
from optout.registry.files import _decode_line, read_records
from optout.registry.objections import (
    ObjectionRow,
    _parse_clean,
    new_objection_ids,
    parse_objection,
)
from tests.registry.records import objection_record

BASE = {"email": "ana@example.org", "account_id": None, "country": "ES", "reason": "free text",
        "names": ["Ana Pérez"], "handles": [], "submitted_at": "2026-05-01T10:00:00Z",
        "confirmed_at": "2026-05-01T12:00:00Z"}  # fmt: skip

VARIANTS = [
    {},
    {"email": "  Ana@Example.ORG \t"},
    {"email": "Ane\u0301@example.org"},  # non-ASCII: the exact path decides
    {"email": "ANÉ@EXAMPLE.ORG"},
    {"email": "\u00a0ana@example.org"},  # Unicode whitespace
    {"email": ""},
    {"email": "   ", "account_id": "acc-1"},
    {"email": None, "account_id": " acc-2 "},
    {"email": None, "account_id": None},
    {"email": "not-an-email"},
    {"email": "a@b"},
    {"email": "x" * 65 + "@example.org"},
    {"email": "a@" + "b" * 320 + ".org"},
    {"email": 42},
    {"account_id": 7},
    {"account_id": "a" * 256},
    {"country": "es"},
    {"country": " de "},
    {"country": "E"},
    {"country": "ESP"},
    {"country": "É1"},
    {"country": "1A"},
    {"country": ""},
    {"country": ["ES"]},
    {"reason": "  "},
    {"reason": "x" * 10_001},
    {"reason": None},
    {"names": None},
    {"names": ["  Ana   Pérez  ", "Bo\tBerg"]},
    {"names": ["Madonna"]},
    {"names": ["Ana\u00a0Pérez"]},
    {"names": ["A B"] * 6},
    {"names": ["A B", ""]},
    {"names": ["A B", "   "]},
    {"names": "Ana Pérez"},
    {"names": ["Ana Pérez", 3]},
    {"names": {}},
    {"handles": ["@ana", "@@bo", "@"]},
    {"handles": "@ana"},
    {"handles": ["a"] * 6},
    {"submitted_at": "2026-05-01T10:00:00+02:00"},
    {"submitted_at": "2026-05-01 10:00:00z"},
    {"submitted_at": "2026-05-01T10:00:00"},
    {"submitted_at": "2026-13-01T00:00:00Z"},
    {"submitted_at": "2026-05-01"},
    {"submitted_at": ""},
    {"submitted_at": 1_700_000_000},
    {"confirmed_at": "2026-04-30T10:00:00Z"},  # before submitted_at
    {"confirmed_at": None},
    {"confirmed_at": "2026-05-01T10:00:00.123456Z"},
]


@pytest.mark.parametrize("change", VARIANTS, ids=range(len(VARIANTS)))
def test_clean_row_parse_agrees_with_the_exact_checks(change: dict) -> None:
    record = {**BASE, **change}
    try:
        expected: ObjectionRow | None = parse_objection(record)
    except FieldProblem:
        expected = None
    fast = _parse_clean(record, {})
    assert fast is None or fast == expected
    if expected is not None:
        assert expected.key == ObjectionRow(*expected).key
        assert (_parse_clean(record, {}) or parse_objection(record)) == expected


def test_remembered_timestamps_are_the_same_values() -> None:
    stamps: dict[str, datetime] = {}
    first = _parse_clean(dict(BASE), stamps)
    again = _parse_clean(dict(BASE), stamps)
    assert first == again == parse_objection(BASE)
    assert first is not None and first.submitted_at == datetime(2026, 5, 1, 10, tzinfo=UTC)


LINES = [
    b'{"email": "a@example.org"}\n',
    b'{"email": "a@example.org"}  \r\n',
    b'{"email": "a@example.org"}',
    b'  {"email": "a@example.org"}\n',
    b'{"email": "a@example.org"} x\n',
    b'{"a": 1}{"b": 2}\n',
    b'{"a": 1},\n',
    b'{"a": NaN, "b": "\\u00e9"}\n',
    b'{"a": "\\ud800"}\n',
    b'{"a": "caf\xc3\xa9"}\n',
    b'{"a": "\xff"}\n',
    b'\xef\xbb\xbf{"a": 1}\n',
    b'{"a": 1, "a": 2}\n',
    b"[1, 2]\n",
    b'"text"\n',
    b"{\n",
    b"{}\x0c\n",
    b"\n",
    b"  \t\n",
    b'{"a": "tab\there"}\n',
]


def test_jsonl_fast_path_reads_every_line_like_json_loads(tmp_path: Path) -> None:
    path = tmp_path / "lines.jsonl"
    path.write_bytes(b"".join(line if line.endswith(b"\n") else line + b"\n" for line in LINES))
    expected = [
        _decode_line(path.name, number, line)
        for number, line in enumerate(path.read_bytes().splitlines(keepends=True), start=1)
        if line.strip()
    ]
    got = list(read_records(path))
    assert [(n, r, e) for n, r, e in got] == expected


def test_objection_ids_are_time_ordered_hex_and_unique() -> None:
    ids = new_objection_ids(10_000)
    assert len(set(ids)) == 10_000
    assert all(len(i) == 32 and int(i, 16) >= 0 for i in ids)
    assert len({i[:12] for i in ids}) == 1


def _write(path: Path, count: int) -> Path:
    with path.open("w", encoding="utf-8") as out:
        for i in range(count):
            out.write(json.dumps(objection_record(i), ensure_ascii=i % 2 == 0) + "\n")
        out.write(json.dumps({"email": "person1@example.org", "names": ["Bo Berg"]}) + "\n")
    return path


def test_a_multi_chunk_import_stores_what_the_exact_path_would(
    registry: Registry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(module, "CHUNK_SIZE", 1_234)  # chunks of full and partial INSERTs
    path = _write(tmp_path / "many.jsonl", 3_000)
    with registry.session() as session:
        result = import_objection_file(session, path)
    assert result.as_dict() == {"imported": 3_000, "updated": 1, "unchanged": 0}
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    with registry.read_session() as session:
        stored = {o.email_normalized or o.account_id: o for o in list_objections(session)}
        report = verify_chain(session)
        seqs = sorted(o.confirm_seq for o in stored.values() if o.confirm_seq is not None)
        assert report.ok and report.entries == 3  # one entry per chunk
        # person1 was confirmed (seq 1), then the last row widened its scope: a new, last seq
        assert seqs == list(range(2, len(seqs) + 2))
        assert stored["person1@example.org"].confirm_seq == seqs[-1]
        for record in records[:3_000]:
            row = parse_objection(record)
            objection = stored[row.key[1]]
            assert (objection.email, objection.account_id, objection.country) == (
                row.email, row.account_id, row.country,
            )  # fmt: skip
            assert objection.submitted_at == row.submitted_at
            assert objection.confirmed_at == row.confirmed_at
            assert objection.status == ("confirmed" if row.confirmed_at else "pending")
            assert objection.handles == list(row.handles)
            if row.key[1] != "person1@example.org":
                assert objection.names == list(row.names)
        assert stored["person1@example.org"].names == ["Bo Berg"]

    with registry.session() as session:
        again = import_objection_file(session, path)
    assert again.as_dict() == {"imported": 0, "updated": 0, "unchanged": 3_001}
    with registry.read_session() as session:
        assert verify_chain(session).entries == 3  # nothing appended


def test_the_audit_entry_keys_subjects_by_pseudonym(registry: Registry, tmp_path: Path) -> None:
    path = _write(tmp_path / "few.jsonl", 20)
    with registry.session() as session:
        import_objection_file(session, path)
    with registry.engine.connect() as conn:
        details = conn.execute(sa.text("SELECT details FROM audit_log WHERE seq = 1")).scalar()
    changes = (json.loads(details) if isinstance(details, str) else details)["changes"]
    pseudonymizer = registry.pseudonymizer
    expected = {
        "email:" + pseudonymizer.email(f"Person{i}@Example.org") for i in range(20) if i % 10
    }
    expected |= {"account:" + pseudonymizer.author(f"acc-{i}") for i in (0, 10)}
    assert {change[2] for change in changes} == expected
    assert "example.org" not in json.dumps(changes).casefold()


def test_a_bad_row_after_many_good_ones_imports_nothing(registry: Registry, tmp_path: Path) -> None:
    path = _write(tmp_path / "bad.jsonl", 6_000)
    with path.open("a", encoding="utf-8") as out:
        out.write('{"email": "x@example.org", "names": ["Madonna"]}\n')
    with pytest.raises(InputError) as failure, registry.session() as session:
        import_objection_file(session, path)
    [error] = failure.value.errors
    assert (error.file, error.row, error.field) == ("bad.jsonl", 6_002, "names")
    with registry.read_session() as session:
        assert list_objections(session) == []


def test_sqlite_rows_match_what_bulk_insert_would_store() -> None:
    from optout.registry.bulk import _sqlite_column
    from optout.registry.objections import INSERT_COLUMNS, OBJECTIONS, _sqlite_rows

    at = datetime(2026, 5, 1, 10, 30, 5, 7, tzinfo=UTC)
    states = [
        {"id": "1" * 32, "email": "A@x.org", "email_normalized": "a@x.org", "account_id": None,
         "country": "ES", "reason": "r", "names": ["Ana Pérez", 'Q "x"'], "handles": [],
         "status": "confirmed", "submitted_at": at, "confirmed_at": at.astimezone(),
         "withdrawn_at": None, "confirm_seq": 3, "source": "import", "updated_at": at},
        {"id": "2" * 32, "email": None, "email_normalized": None, "account_id": "acc",
         "country": None, "reason": None, "names": [], "handles": ["h\u00e9"],
         "status": "pending", "submitted_at": at, "confirmed_at": None,
         "withdrawn_at": None, "confirm_seq": None, "source": "import", "updated_at": at},
    ]  # fmt: skip
    columns = [_sqlite_column(states, name, OBJECTIONS.c[name].type) for name in INSERT_COLUMNS]
    assert _sqlite_rows(states) == list(zip(*columns, strict=True))


@pytest.mark.parametrize("field", ["email", "reason", "names"])
def test_lone_surrogates_are_reported_not_crashing(tmp_path: Path, field: str) -> None:
    from optout.registry import open_registry

    values = {"email": '"\\ud800@example.org"', "reason": '"x\\udc00"', "names": '["A \\ud800"]'}
    line = '{"email": "a@example.org", "' + field + '": ' + values[field] + "}\n"
    if field == "email":
        line = '{"email": ' + values["email"] + "}\n"
    path = tmp_path / "objections.jsonl"
    path.write_text(line, encoding="utf-8")
    with (
        open_registry() as registry,
        registry.session() as session,
        pytest.raises(InputError) as caught,
    ):
        import_objection_file(session, path)
    assert caught.value.errors[0].field == field
    assert "surrogate" in caught.value.errors[0].reason
