"""Reading a large import file in a worker process: the same outcome as reading it in-process."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from optout.errors import InputError
from optout.registry import Registry, import_objection_file, list_objections, verify_chain
from optout.registry import objections as module
from tests.registry.records import objection_record


@pytest.fixture(autouse=True)
def children(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[subprocess.Popen[bytes]]]:
    """Every reader process started; each must have ended when its import returns."""
    started: list[subprocess.Popen[bytes]] = []
    end = module._end_worker

    def recorded(child: subprocess.Popen[bytes], graceful: bool) -> None:
        started.append(child)
        end(child, graceful)

    monkeypatch.setattr(module, "_end_worker", recorded)
    yield started
    assert all(child.poll() is not None for child in started)


class _Undo(Exception):
    """Raised to roll an import back after looking at what it wrote."""


def _write(path: Path, count: int, bad: dict[int, str] | None = None) -> Path:
    """``count`` objections (some repeated identities, some updates); ``bad`` lines replaced."""
    bad = bad or {}
    with path.open("w", encoding="utf-8") as out:
        for i in range(count):
            if i in bad:
                out.write(bad[i] + "\n")
                continue
            record = objection_record(i, distinct_emails=900)
            out.write(json.dumps(record, ensure_ascii=i % 2 == 0) + "\n")
        out.write("\n")
    return path


def _outcome(session: Session) -> tuple[list[tuple[Any, ...]], list[Any]]:
    """What an import wrote, without the random ids and clock readings."""
    objections = list_objections(session)
    key_of = {o.id: o.email_normalized or o.account_id for o in objections}
    stored = sorted(
        (key_of[o.id], o.email, o.account_id, o.country, o.reason, tuple(o.names),
         tuple(o.handles), o.status, o.submitted_at, o.confirmed_at, o.confirm_seq, o.source)
        for o in objections
    )  # fmt: skip
    rows = session.execute(sa.text("SELECT action, subject, details FROM audit_log ORDER BY seq"))
    entries = []
    for action, subject, details in rows:
        details = json.loads(details) if isinstance(details, str) else details
        changes = [[a, key_of[i], s, st, seq] for a, i, s, st, seq in details["changes"]]
        entries.append((action, subject, details["fields"], changes))
    return stored, entries


def _import(
    registry: Registry, path: Path, *, parallel: bool, monkeypatch: pytest.MonkeyPatch
) -> tuple[dict[str, int], Any, list[int]]:
    """Import in a transaction that is rolled back; the counts, what it wrote, the progress."""
    monkeypatch.setattr(module, "PARALLEL_MIN_BYTES", 0 if parallel else 1 << 62)
    calls: list[int] = []
    outcome: dict[str, Any] = {}
    with pytest.raises(_Undo), registry.session() as session:
        result = import_objection_file(session, path, progress=calls.append)
        outcome["result"] = result.as_dict()
        outcome["written"] = _outcome(session)
        assert verify_chain(session).ok
        raise _Undo
    return outcome["result"], outcome["written"], calls


def test_the_worker_imports_what_the_in_process_reader_would(
    registry: Registry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(module, "CHUNK_SIZE", 777)
    path = _write(tmp_path / "many.jsonl", 3_000)
    here = _import(registry, path, parallel=False, monkeypatch=monkeypatch)
    there = _import(registry, path, parallel=True, monkeypatch=monkeypatch)
    assert there == here
    result, (stored, entries), calls = there
    assert result == {"imported": 1_110, "updated": 930, "unchanged": 960}
    assert calls == [777, 777, 777, 669]
    assert len(entries) == 4 and len(stored) == 1_110


def test_a_second_import_through_the_worker_merges_like_the_in_process_one(
    registry: Registry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _write(tmp_path / "again.jsonl", 1_200)
    with registry.session() as session:
        first = import_objection_file(session, path)
    assert first.imported > 0
    here = _import(registry, path, parallel=False, monkeypatch=monkeypatch)
    there = _import(registry, path, parallel=True, monkeypatch=monkeypatch)
    assert there == here
    assert here[0]["imported"] == 0 and here[0]["unchanged"] > 0


@pytest.mark.parametrize("parallel", [False, True], ids=["in-process", "worker"])
def test_bad_rows_fail_the_whole_file_with_the_same_errors(
    registry: Registry,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    children: list[subprocess.Popen[bytes]],
    parallel: bool,
) -> None:
    monkeypatch.setattr(module, "CHUNK_SIZE", 500)
    monkeypatch.setattr(module, "PARALLEL_MIN_BYTES", 0 if parallel else 1 << 62)
    bad = {
        1_700: '{"email": "x@example.org", "names": ["Madonna"]}',
        2_400: "not json",
        2_401: "[1]",
        2_998: '{"email": "secret@example", "country": "ES"}',
    }
    path = _write(tmp_path / "bad.jsonl", 3_000, bad)
    calls: list[int] = []
    with pytest.raises(InputError) as failure, registry.session() as session:
        import_objection_file(session, path, progress=calls.append)
    assert [(e.file, e.row, e.field) for e in failure.value.errors] == [
        ("bad.jsonl", 1_701, "names"),
        ("bad.jsonl", 2_401, "-"),
        ("bad.jsonl", 2_402, "-"),
        ("bad.jsonl", 2_999, "email"),
    ]
    assert "secret" not in str(failure.value.errors)
    assert str(failure.value) == "bad.jsonl: 4 invalid row(s); nothing imported"
    assert calls == [500, 500, 500, 200]  # the rows before the first bad one, then nothing
    assert len(children) == parallel
    with registry.read_session() as session:
        assert list_objections(session) == []


def test_a_reading_failure_in_the_worker_is_raised_here(
    registry: Registry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "broken.parquet"
    path.write_bytes(b"not parquet at all" * 100)
    messages = []
    for threshold in (1 << 62, 0):
        monkeypatch.setattr(module, "PARALLEL_MIN_BYTES", threshold)
        with pytest.raises(InputError) as failure, registry.session() as session:
            import_objection_file(session, path)
        messages.append(str(failure.value))
    assert messages[0] == messages[1] == f"{path}: not a readable Parquet file"


def test_a_missing_file_is_the_same_error(registry: Registry, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"), registry.session() as session:
        import_objection_file(session, tmp_path / "missing.jsonl")


def test_an_interrupted_import_leaves_no_worker_behind(
    registry: Registry,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    children: list[subprocess.Popen[bytes]],
) -> None:
    monkeypatch.setattr(module, "CHUNK_SIZE", 100)
    monkeypatch.setattr(module, "WORKER_PIPE_BYTES", 4096)
    monkeypatch.setattr(module, "PARALLEL_MIN_BYTES", 0)
    path = _write(tmp_path / "stop.jsonl", 6_000)  # the worker blocks on the full pipe

    def interrupt(count: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt), registry.session() as session:
        import_objection_file(session, path, progress=interrupt)
    [child] = children
    assert child.returncode is not None
    with registry.read_session() as session:
        assert list_objections(session) == []


def test_small_files_are_read_in_process(
    registry: Registry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_worker(*_args: object) -> None:
        raise AssertionError("a small file started a worker")

    monkeypatch.setattr(module, "_read_in_worker", no_worker)
    path = _write(tmp_path / "small.jsonl", 50)
    with registry.session() as session:
        assert import_objection_file(session, path).imported > 0
