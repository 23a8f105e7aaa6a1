"""Objections: validation, bulk import, submit/confirm/withdraw, and the watermark queries."""

from __future__ import annotations

import gc
import json
import os
import pickle
import queue
import secrets
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from itertools import chain, islice
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import Session

from optout.errors import InputError, RowError
from optout.keys import Pseudonymizer, normalize_email
from optout.registry import audit
from optout.registry.bulk import bulk_insert
from optout.registry.db import pseudonymizer_of, sqlite_driver
from optout.registry.fields import (
    EMAIL_SYNTAX,
    LONE_SURROGATE,
    FieldProblem,
    country_field,
    email_field,
    optional_text,
    string_list,
    timestamp_field,
)
from optout.registry.files import read_valid_rows
from optout.registry.models import CONFIRM_SEQ, Counter, Objection

MAX_NAMES = 5
MAX_HANDLES = 5
CHUNK_SIZE = 5_000
MAX_EMAIL = 320
MAX_REMEMBERED_STAMPS = 100_000
SCOPE_FIELDS = ("account_id", "names", "handles")  # a change here is new to every dataset
DETAIL_FIELDS = ("country", "reason")
STATE_COLUMNS = (
    "id", "email", "email_normalized", "account_id", "country", "reason", "names", "handles",
    "status", "submitted_at", "confirmed_at", "withdrawn_at", "confirm_seq", "source",
)  # fmt: skip


class ObjectionNotFound(InputError):
    """No objection has the id given."""


class ObjectionWithdrawn(InputError):
    """The objection was withdrawn and cannot be confirmed (a new submission reopens it)."""


class ObjectionRow(NamedTuple):
    """One validated objection to import or submit."""

    email: str | None
    account_id: str | None
    country: str | None = None
    reason: str | None = None
    names: tuple[str, ...] = ()
    handles: tuple[str, ...] = ()
    submitted_at: datetime | None = None
    confirmed_at: datetime | None = None

    @property
    def email_normalized(self) -> str | None:
        return normalize_email(self.email) if self.email else None

    @property
    def key(self) -> tuple[str, str]:
        """The identity: the normalised email, else the account id."""
        email = self.email
        if email:
            if email.isascii():  # NFC changes nothing and casefold is lower
                return ("email", email.strip().lower())
            return ("email", normalize_email(email))
        assert self.account_id is not None
        return ("account", self.account_id)


@dataclass(slots=True)
class ImportResult:
    """Counts of an import: new objections, changed ones, and rows that changed nothing."""

    imported: int = 0
    updated: int = 0
    unchanged: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"imported": self.imported, "updated": self.updated, "unchanged": self.unchanged}


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The watermark and the confirmed objections a build applies (read in that order)."""

    watermark: int
    objections: list[Objection]


# -- validation ---------------------------------------------------------------------------


def parse_objection(record: dict[str, Any]) -> ObjectionRow:
    """Validate one import record (interfaces §2); raises FieldProblem."""
    row = ObjectionRow(
        email=email_field(record),
        account_id=optional_text(record, "account_id", max_length=255),
        country=country_field(record),
        reason=optional_text(record, "reason"),
        names=_names(record),
        handles=tuple(h.lstrip("@") for h in string_list(record, "handles", MAX_HANDLES)),
        submitted_at=timestamp_field(record, "submitted_at"),
        confirmed_at=timestamp_field(record, "confirmed_at"),
    )
    if row.email is None and row.account_id is None:
        raise FieldProblem("email", "email or account_id is required")
    if row.submitted_at and row.confirmed_at and row.confirmed_at < row.submitted_at:
        raise FieldProblem("confirmed_at", "is before submitted_at")
    return row


def _names(record: dict[str, Any]) -> tuple[str, ...]:
    names = string_list(record, "names", MAX_NAMES)
    for name in names:
        if len(name.split()) < 2:
            raise FieldProblem("names", "each name needs at least two words")
    return names


def _parse_clean(record: Any, stamps: dict[str, datetime]) -> ObjectionRow | None:
    """``parse_objection`` for the common clean row, in one pass; None: let it decide.

    Returns a row only where ``parse_objection`` would return the same row (ASCII email,
    plain strings, a known timestamp form); anything doubtful or wrong returns None, and the
    exact checks then accept the row or name the problem.
    """
    if type(record) is not dict:
        return None
    get = record.get
    email = get("email")
    if email is not None:
        if type(email) is not str or not email.isascii():
            return None
        email = email.strip()
        if not email:
            email = None
        elif len(email) > MAX_EMAIL or not EMAIL_SYNTAX.match(email.lower()):
            return None  # ASCII: NFC changes nothing and casefold is lower
    account_id = get("account_id")
    if account_id is not None:
        account_id = _clean_text(account_id, 255)
    reason = get("reason")
    if reason is not None:
        reason = _clean_text(reason, 10_000)
    country = get("country")
    if country is not None:
        if type(country) is not str or not country.isascii():
            return None
        country = country.strip().upper() or None
        if country is not None and not (len(country) == 2 and country.isalpha()):
            return None
    names = get("names")
    names = () if names is None or names == [] else _clean_list(names, MAX_NAMES)
    handles = get("handles")
    handles = () if handles is None or handles == [] else _clean_list(handles, MAX_HANDLES)
    submitted = get("submitted_at")
    submitted_at = stamps.get(submitted) if type(submitted) is str else None
    if submitted_at is None:
        submitted_at = _clean_stamp(submitted, stamps)
    confirmed = get("confirmed_at")
    confirmed_at = stamps.get(confirmed) if type(confirmed) is str else None
    if confirmed_at is None:
        confirmed_at = _clean_stamp(confirmed, stamps)
    if (
        account_id is False or reason is False or names is None or handles is None
        or submitted_at is False or confirmed_at is False
        or (email is None and account_id is None)
        or (submitted_at and confirmed_at and confirmed_at < submitted_at)
    ):  # fmt: skip
        return None
    for name in names:
        if " " not in name:  # normalised: words are separated by single spaces
            return None
    if handles:
        handles = tuple(h.lstrip("@") for h in handles)
    values = (email, account_id, country, reason, names, handles, submitted_at, confirmed_at)
    return _new_row(ObjectionRow, values)  # ObjectionRow(*values) without its Python frame


_new_row = tuple.__new__


def _clean_text(value: Any, max_length: int) -> str | bool | None:
    """``optional_text`` for a clean value; False where the exact check must decide."""
    if value is None:
        return None
    if type(value) is not str or LONE_SURROGATE.search(value):
        return False
    value = value.strip()
    if len(value) > max_length:
        return False
    return value or None


def _clean_list(value: Any, max_items: int) -> tuple[str, ...] | None:
    """``string_list`` for a clean list; None where the exact check must decide."""
    if value is None or value == []:
        return ()
    if type(value) is not list or len(value) > max_items:
        return None
    items = []
    for item in value:
        if type(item) is not str or LONE_SURROGATE.search(item):
            return None
        item = " ".join(item.split())
        if not item:
            return None
        items.append(item)
    return tuple(items)


def _clean_stamp(value: Any, stamps: dict[str, datetime]) -> datetime | bool | None:
    """``timestamp_field`` for a timestamp text, remembered; False where it must decide."""
    if value is None or value == "":
        return None
    if type(value) is not str:
        return False
    found = stamps.get(value)
    if found is None:
        try:
            found = timestamp_field({"t": value}, "t")
        except FieldProblem:
            return False
        if len(stamps) >= MAX_REMEMBERED_STAMPS:
            stamps.clear()
        stamps[value] = found  # type: ignore[assignment]
    return found


def read_objection_file(path: Path, errors: list[RowError]) -> Iterator[ObjectionRow]:
    """Yield valid rows until the first bad one; then only collect ``errors``."""
    stamps: dict[str, datetime] = {}

    def parse(record: dict[str, Any]) -> ObjectionRow:
        return _parse_clean(record, stamps) or parse_objection(record)

    return read_valid_rows(path, parse, errors)


# -- import -------------------------------------------------------------------------------


def import_objection_file(
    session: Session, path: Path, progress: Callable[[int], None] | None = None
) -> ImportResult:
    """Import a JSON Lines file in the caller's transaction; any bad row fails it all (exit 2).

    A large file is read, parsed and validated in a second process (``_read_in_worker``)
    while this one merges and inserts: the same chunks, in the same order, and the same
    errors as reading it here.
    """
    errors: list[RowError] = []
    with _collector_paused():
        if _worth_a_worker(path):
            with _read_in_worker(path, errors) as chunks:
                result = _import_chunks(session, chunks, "import", None, progress)
        else:
            chunks = _chunked(read_objection_file(path, errors))
            result = _import_chunks(session, chunks, "import", None, progress)
    if errors:
        raise InputError(f"{path.name}: {len(errors)} invalid row(s); nothing imported", errors)
    return result


# Files of at least this many bytes (about 20,000 typical lines) are read in a worker process.
PARALLEL_MIN_BYTES = 4 << 20
WORKER_CHUNKS_AHEAD = 8  # chunks the worker may have ready beyond what the pipe holds
WORKER_PIPE_BYTES = 1 << 20  # the pipe's size where the system allows (Linux: pipe-max-size)
_WORKER_CODE = (
    "import signal; signal.signal(signal.SIGINT, signal.SIG_IGN); import sys; sys.path[:] = {!r}; "
    "from optout.registry.objections import _worker_main; _worker_main()"
)


def _worth_a_worker(path: Path) -> bool:
    if os.name != "posix":
        return False
    try:
        return path.is_file() and path.stat().st_size >= PARALLEL_MIN_BYTES
    except OSError:
        return False  # read here, so the error is the one reading raises


@contextmanager
def _read_in_worker(path: Path, errors: list[RowError]) -> Iterator[Iterator[list[ObjectionRow]]]:
    """The file's validated chunks, read by a child process; ``errors`` filled at the end.

    The child (a fresh interpreter, so nothing of this process is forked or re-run) pickles
    each chunk (rows as plain tuples) into a pipe, then ``("done", errors)``, or
    ``("raise", exception)`` where reading failed. The pipe is bounded, so the child stays a
    few chunks ahead and memory stays flat. The child is ended on any exit from here; it
    ignores Ctrl-C (this process handles it) and stops when this one goes away (broken pipe).
    """
    read_fd, write_fd = os.pipe()
    try:
        _widen_pipe(write_fd)
        child = subprocess.Popen(
            [sys.executable, "-c", _WORKER_CODE.format(sys.path), str(write_fd), str(path),
             str(CHUNK_SIZE)],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, pass_fds=(write_fd,),
        )  # fmt: skip
    except BaseException:
        os.close(read_fd)
        raise
    finally:
        os.close(write_fd)
    finished: list[bool] = []
    try:
        with open(read_fd, "rb", buffering=1 << 20) as pipe:
            yield _chunks_from(child, pipe, errors, finished)
    finally:
        _end_worker(child, graceful=bool(finished))


def _widen_pipe(fd: int) -> None:
    """Let the pipe hold ``WORKER_PIPE_BYTES`` (Linux; elsewhere the default, 64 KiB)."""
    try:
        import fcntl

        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, WORKER_PIPE_BYTES)  # type: ignore[attr-defined]
    except (ImportError, AttributeError, OSError):
        pass


def _chunks_from(
    child: subprocess.Popen[bytes], pipe: BinaryIO, errors: list[RowError], finished: list[bool]
) -> Iterator[list[ObjectionRow]]:
    new_row = _new_row
    load = pickle.load
    while True:
        try:
            kind, payload = load(pipe)
        except EOFError:
            code = child.wait()
            raise RuntimeError(
                f"the import reader process ended unexpectedly (exit code {code})"
            ) from None
        if kind == "rows":
            yield [new_row(ObjectionRow, values) for values in payload]
        elif kind == "done":
            finished.append(True)
            errors.extend(payload)
            return
        else:
            raise payload


def _end_worker(child: subprocess.Popen[bytes], graceful: bool) -> None:
    """Wait for a child that sent everything; end any other at once (error, Ctrl-C)."""
    if graceful:
        with suppress(subprocess.TimeoutExpired):
            child.wait(timeout=10)
    if child.poll() is None:
        child.kill()
        child.wait()


def _worker_main() -> None:
    """The reader process (argv: pipe fd, path, chunk size): chunks, then errors or exception.

    A thread writes the pickled chunks to the pipe, so reading goes on while the parent is
    busy (up to ``WORKER_CHUNKS_AHEAD`` chunks); it stops when the parent goes away.
    """
    gc.disable()
    global CHUNK_SIZE
    fd, name, size = sys.argv[1:4]
    path, CHUNK_SIZE = Path(name), int(size)
    ready: queue.Queue[bytes | None] = queue.Queue(maxsize=WORKER_CHUNKS_AHEAD)
    writer = threading.Thread(target=_write_messages, args=(int(fd), ready), daemon=True)
    writer.start()

    def send(message: bytes | None) -> None:
        while True:
            try:
                ready.put(message, timeout=1.0)
                return
            except queue.Full:
                if not writer.is_alive():
                    raise SystemExit(1) from None

    errors: list[RowError] = []
    dumps, protocol = pickle.dumps, pickle.HIGHEST_PROTOCOL
    try:
        for chunk in _chunked(read_objection_file(path, errors)):
            send(dumps(("rows", [tuple(row) for row in chunk]), protocol))
        message: tuple[str, Any] = ("done", errors)
    except Exception as exc:  # sent to the parent, which raises it
        try:
            pickle.dumps(exc)
        except Exception:
            exc = RuntimeError(f"reading {path.name} failed: {exc!r}")
        message = ("raise", exc)
    send(dumps(message, protocol))
    send(None)
    writer.join()


def _write_messages(fd: int, ready: queue.Queue[bytes | None]) -> None:
    """Write each message as it comes; a broken pipe (the parent went away) ends the thread."""
    with suppress(BrokenPipeError), open(fd, "wb", buffering=1 << 16) as pipe:
        while (message := ready.get()) is not None:
            pipe.write(message)
            pipe.flush()


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic GC passes during a bulk import: its millions of small, acyclic objects
    (freed by reference counting) would make every pass walk the growing young heap."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def import_objections(
    session: Session,
    rows: Iterable[ObjectionRow],
    *,
    source: str = "import",
    now: datetime | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Import rows in chunks: new → imported, newly confirmed or changed → updated."""
    return _import_chunks(session, _chunked(iter(rows)), source, now, progress)


def _import_chunks(
    session: Session,
    chunks: Iterable[list[ObjectionRow]],
    source: str,
    now: datetime | None,
    progress: Callable[[int], None] | None,
) -> ImportResult:
    lock_registry(session)
    result = ImportResult()
    for chunk in chunks:
        _import_chunk(session, chunk, source, now or datetime.now(UTC), result)
        if progress is not None:
            progress(len(chunk))
    return result


def _chunked(rows: Iterator[ObjectionRow]) -> Iterator[list[ObjectionRow]]:
    while chunk := list(islice(rows, CHUNK_SIZE)):
        yield chunk


@dataclass(slots=True)
class _Plan:
    """What one chunk changes: rows to insert, rows to update, audit events, seqs wanted."""

    inserts: dict[str, dict[str, Any]] = field(default_factory=dict)
    updates: dict[str, dict[str, Any]] = field(default_factory=dict)
    events: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)


def _import_chunk(
    session: Session,
    chunk: Sequence[ObjectionRow],
    source: str,
    now: datetime,
    result: ImportResult,
    batch: bool = True,
) -> list[str]:
    """Merge a chunk into the registry; returns the objection id of each row, in order."""
    keys = [row.key for row in chunk]
    known = _existing_states(session, keys)
    plan = _Plan()
    ids = iter(new_objection_ids(len(chunk)))
    for row, key in zip(chunk, keys, strict=True):
        state = known.get(key)
        if state is None:
            action = "objection.imported" if source == "import" else "objection.submitted"
            new_state = _new_state(row, source, now, next(ids), key)
        else:
            new_state, action = _merge(state, row, source, now)
        plan.ids.append(new_state["id"])
        if action is None:
            result.unchanged += 1
            continue
        known[key] = new_state
        if state is None or new_state["id"] in plan.inserts:
            plan.inserts[new_state["id"]] = new_state
            result.imported += state is None
            result.updated += state is not None
        else:
            plan.updates[new_state["id"]] = new_state
            result.updated += 1
        plan.events.append((action, new_state["id"], new_state))
    _apply(session, plan, batch)
    return plan.ids


def _existing_states(
    session: Session, keys: Sequence[tuple[str, str]]
) -> dict[tuple[str, str], dict[str, Any]]:
    emails = {value for kind, value in keys if kind == "email"}
    accounts = {value for kind, value in keys if kind == "account"}
    if session.get_bind().dialect.name == "sqlite":
        emails, accounts = _known_on_sqlite(session, emails, accounts)
    columns = [getattr(Objection, name) for name in STATE_COLUMNS]
    found: dict[tuple[str, str], dict[str, Any]] = {}
    if emails:
        query = sa.select(*columns).where(Objection.email_normalized.in_(emails))
        for row in session.execute(query).mappings():
            found["email", row["email_normalized"]] = dict(row)
    if accounts:
        query = sa.select(*columns).where(
            Objection.email_normalized.is_(None), Objection.account_id.in_(accounts)
        )
        for row in session.execute(query).mappings():
            found["account", row["account_id"]] = dict(row)
    return found


_KNOWN_EMAILS = (
    "SELECT email_normalized FROM objections "
    "WHERE email_normalized IN (SELECT value FROM json_each(?))"
)
_KNOWN_ACCOUNTS = (
    "SELECT account_id FROM objections "
    "WHERE email_normalized IS NULL AND account_id IN (SELECT value FROM json_each(?))"
)


def _known_on_sqlite(
    session: Session, emails: set[str], accounts: set[str]
) -> tuple[set[str], set[str]]:
    """The identities among these that are already stored (one index probe each).

    The keys travel as one JSON array: a fresh import then costs one cheap query per chunk,
    and the full rows are fetched only for identities that exist.
    """
    driver = sqlite_driver(session)
    found: list[set[str]] = []
    for query, values in ((_KNOWN_EMAILS, emails), (_KNOWN_ACCOUNTS, accounts)):
        if values:
            param = (_encode_json(list(values)),)
            found.append({value for (value,) in driver.execute(query, param)})
        else:
            found.append(set())
    return found[0], found[1]


_encode_json = json.JSONEncoder(ensure_ascii=False).encode


def _merge(
    state: dict[str, Any] | None, row: ObjectionRow, source: str, now: datetime
) -> tuple[dict[str, Any], str | None]:
    """The objection after ``row``, and the audit action (None: nothing changes)."""
    if state is None:
        action = "objection.imported" if source == "import" else "objection.submitted"
        return _new_state(row, source, now), action
    if state["status"] == "withdrawn":
        return _reopen(state, row, now)
    changed = _changed_fields(state, row)
    confirms = state["status"] == "pending" and row.confirmed_at is not None
    if not changed and not confirms:
        return state, None
    new_state = {**state, **changed, "updated_at": now}
    if confirms:
        new_state.update(status="confirmed", confirmed_at=row.confirmed_at, confirm_seq=None)
        return new_state, "objection.confirmed"
    if new_state["status"] == "confirmed" and set(changed) & set(SCOPE_FIELDS):
        new_state["confirm_seq"] = None  # a wider scope is new to every dataset
    return new_state, "objection.updated"


def _new_state(
    row: ObjectionRow,
    source: str,
    now: datetime,
    objection_id: str | None = None,
    key: tuple[str, str] | None = None,
) -> dict[str, Any]:
    email, account_id, country, reason, names, handles, submitted_at, confirmed_at = row
    kind, identity = key or row.key
    return {
        "id": objection_id or new_objection_id(),
        "email": email,
        "email_normalized": identity if kind == "email" else None,
        "account_id": account_id,
        "country": country,
        "reason": reason,
        "names": list(names),
        "handles": list(handles),
        "status": "pending" if confirmed_at is None else "confirmed",
        "submitted_at": submitted_at or confirmed_at or now,
        "confirmed_at": confirmed_at,
        "withdrawn_at": None,
        "confirm_seq": None,
        "source": source,
        "updated_at": now,
    }


def new_objection_id() -> str:
    """32 hex digits: milliseconds since the epoch, then 80 random bits (index-friendly)."""
    return f"{time.time_ns() // 1_000_000:012x}{secrets.token_hex(10)}"


def new_objection_ids(count: int) -> list[str]:
    """``count`` ids like ``new_objection_id`` (one clock reading, one read of randomness)."""
    prefix = f"{time.time_ns() // 1_000_000:012x}"
    random_hex = secrets.token_bytes(10 * count).hex()
    return [prefix + random_hex[i : i + 20] for i in range(0, 20 * count, 20)]


def _reopen(
    state: dict[str, Any], row: ObjectionRow, now: datetime
) -> tuple[dict[str, Any], str | None]:
    """A withdrawn objection reopens only for a row submitted after the withdrawal."""
    if row.submitted_at is None or row.submitted_at <= state["withdrawn_at"]:
        return state, None
    fresh = _new_state(row, state["source"], now)
    fresh.update(id=state["id"], email=state["email"] or row.email, source=state["source"])
    return fresh, "objection.reopened"


def _changed_fields(state: dict[str, Any], row: ObjectionRow) -> dict[str, Any]:
    """Fields the row gives (non-empty) that differ from the stored objection."""
    given = {
        "account_id": row.account_id,
        "country": row.country,
        "reason": row.reason,
        "names": list(row.names) or None,
        "handles": list(row.handles) or None,
    }
    return {
        name: value
        for name, value in given.items()
        if value is not None and value != state[name] and not _is_identity(state, name)
    }


def _is_identity(state: dict[str, Any], name: str) -> bool:
    return name == "account_id" and state["email_normalized"] is None


def _apply(session: Session, plan: _Plan, batch: bool) -> None:
    """Give confirmation seqs in order, write the rows, append the audit entries."""
    wanting = [
        state for _action, _id, state in plan.events
        if state["status"] == "confirmed" and state["confirm_seq"] is None
    ]  # fmt: skip
    for state, seq in zip(wanting, next_confirm_seqs(session, len(wanting)), strict=True):
        state["confirm_seq"] = seq
    if plan.inserts:
        _insert_states(session, list(plan.inserts.values()))
    if plan.updates:
        session.execute(_UPDATE_BY_ID, [_update_params(s) for s in plan.updates.values()])
    pseudonymizer = pseudonymizer_of(session)
    events = [(action, _subject(pseudonymizer, state), state) for action, _id, state in plan.events]
    if batch and len(events) > 1:
        audit.append(session, "objections.imported", "objections", _batch_details(events))
    else:
        audit.append_many(
            session, [audit.AuditEvent(a, subject, _details(s)) for a, subject, s in events]
        )


def _batch_details(events: list[tuple[str, str, dict[str, Any]]]) -> dict[str, Any]:
    """One entry for a chunk of an import: per change its action, id, subject, status, seq."""
    changes = [[action, s["id"], subject, s["status"], s["confirm_seq"]]
               for action, subject, s in events]  # fmt: skip
    return {"fields": ["action", "objection_id", "subject", "status", "confirm_seq"],
            "changes": changes}  # fmt: skip


OBJECTIONS: sa.Table = Objection.__table__  # type: ignore[assignment]
_UPDATE_BY_ID = (
    OBJECTIONS.update()
    .where(OBJECTIONS.c.id == sa.bindparam("b_id"))
    .values({name: sa.bindparam(name) for name in (*STATE_COLUMNS[1:], "updated_at")})
)


INSERT_COLUMNS = (*STATE_COLUMNS, "updated_at")
SQLITE_ROWS_PER_INSERT = 500  # rows per INSERT statement (15 values each)


def _insert_states(session: Session, states: list[dict[str, Any]]) -> None:
    """Insert new objections; on SQLite many rows per statement.

    SQLite runs the table's ``CHECK (status IN (...))`` constraints by building a small
    lookup table once per statement run; with one-row statements (``executemany``) that is
    once per row and costs more than the insert itself. Multi-row VALUES statements check
    every row the same way at a fraction of the cost.
    """
    driver = sqlite_driver(session)
    if driver is None:
        bulk_insert(session, OBJECTIONS, states)
        return
    rows = _sqlite_rows(states)
    step = SQLITE_ROWS_PER_INSERT
    full = len(rows) - len(rows) % step
    if full:
        batches = [tuple(chain.from_iterable(rows[i : i + step])) for i in range(0, full, step)]
        driver.executemany(_sqlite_insert_sql(step), batches)
    if full < len(rows):
        rest = tuple(chain.from_iterable(rows[full:]))
        driver.execute(_sqlite_insert_sql(len(rows) - full), rest)


def _sqlite_rows(states: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """The states as SQLite stores them (as ``bulk_insert`` converts: naive UTC text, JSON)."""
    stamps: dict[datetime, str] = {}

    def stamp(value: datetime | None) -> str | None:
        if value is None:
            return None
        text = stamps.get(value)
        if text is None:
            text = stamps[value] = _sqlite_stamp(value)
        return text

    return [
        (s["id"], s["email"], s["email_normalized"], s["account_id"], s["country"], s["reason"],
         _json_list(s["names"]), _json_list(s["handles"]), s["status"], stamp(s["submitted_at"]),
         stamp(s["confirmed_at"]), stamp(s["withdrawn_at"]), s["confirm_seq"], s["source"],
         stamp(s["updated_at"]))
        for s in states
    ]  # fmt: skip


def _sqlite_stamp(value: datetime) -> str:
    """SQLAlchemy's SQLite storage format: naive UTC ``YYYY-MM-DD HH:MM:SS.ffffff``."""
    if value.tzinfo is None:
        raise ValueError("registry timestamps must be timezone-aware")
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


_JSON_TEXT = json.encoder.encode_basestring_ascii  # type: ignore[attr-defined]


def _json_list(values: list[str]) -> str:
    """``json.dumps`` of a list of strings (default separators, ASCII), without its overhead."""
    if not values:
        return "[]"
    return "[" + ", ".join([_JSON_TEXT(value) for value in values]) + "]"


@cache
def _sqlite_insert_sql(rows: int) -> str:
    one = "(" + ", ".join("?" for _ in INSERT_COLUMNS) + ")"
    return f"INSERT INTO objections ({', '.join(INSERT_COLUMNS)}) VALUES " + ", ".join([one] * rows)


def _update_params(state: dict[str, Any]) -> dict[str, Any]:
    return {**{k: v for k, v in state.items() if k != "id"}, "b_id": state["id"]}


def _subject(pseudonymizer: Pseudonymizer, state: dict[str, Any]) -> str:
    """``audit.email_subject`` (from the normalised email it keys) or ``account_subject``."""
    if state["email_normalized"] is not None:
        return "email:" + pseudonymizer.key(Pseudonymizer.EMAIL, state["email_normalized"])
    if state["email"]:
        return audit.email_subject(pseudonymizer, state["email"])
    return audit.account_subject(pseudonymizer, state["account_id"])


def _details(state: dict[str, Any]) -> dict[str, Any]:
    """Audit details: ids, status and seq only — never an email, name or free text."""
    return {
        "objection_id": state["id"],
        "status": state["status"],
        "confirm_seq": state["confirm_seq"],
        "source": state["source"],
    }


# -- sequence numbers ---------------------------------------------------------------------


def lock_registry(session: Session) -> int:
    """Take the registry's write lock (the counter row) and return the last confirm seq.

    Every writer takes it first, so writes are serialised and seqs commit in order: a build
    that read watermark W has seen every confirmation with seq ≤ W.
    """
    driver = sqlite_driver(session)
    if driver is not None:  # BEGIN IMMEDIATE took SQLite's write lock: a plain read
        return driver.execute(_READ_COUNTER, (CONFIRM_SEQ,)).fetchone()[0]
    return session.execute(_LOCK_COUNTER).scalar_one()


_COUNTERS: sa.Table = Counter.__table__  # type: ignore[assignment]
_LOCK_COUNTER = (
    sa.select(_COUNTERS.c.value).where(_COUNTERS.c.name == CONFIRM_SEQ).with_for_update()
)  # Core, built once: the ORM path costs more than this one-row statement
_READ_COUNTER = "SELECT value FROM registry_counters WHERE name = ?"


def next_confirm_seqs(session: Session, count: int) -> range:
    """Reserve ``count`` consecutive confirmation seqs (caller holds the registry lock)."""
    if count == 0:
        return range(0)
    last = lock_registry(session)
    session.execute(
        sa.update(Counter).where(Counter.name == CONFIRM_SEQ).values(value=last + count)
    )
    return range(last + 1, last + count + 1)


def current_watermark(session: Session) -> int:
    """The highest confirmation seq given so far (0 before the first confirmation)."""
    query = sa.select(Counter.value).where(Counter.name == CONFIRM_SEQ)
    return session.execute(query).scalar_one()


# -- single objections --------------------------------------------------------------------


def submit_objection(
    session: Session,
    *,
    email: str | None,
    account_id: str | None = None,
    country: str | None = None,
    reason: str | None = None,
    names: Sequence[str] = (),
    handles: Sequence[str] = (),
    source: str = "portal",
    now: datetime | None = None,
) -> Objection:
    """Record a pending objection (or refresh the one with the same email) and return it.

    The fields are validated like an import row (FieldProblem on a bad one). A withdrawn
    objection with the same identity is reopened as pending.
    """
    now = now or datetime.now(UTC)
    record = {"email": email, "account_id": account_id, "country": country, "reason": reason,
              "names": list(names), "handles": list(handles)}  # fmt: skip
    row = parse_objection(record)._replace(submitted_at=now)
    lock_registry(session)
    [objection_id] = _import_chunk(session, [row], source, now, ImportResult(), batch=False)
    return get_objection(session, objection_id)


def confirm_objection(
    session: Session, objection_id: str, *, at: datetime | None = None
) -> Objection:
    """Confirm a pending objection and give it the next seq; confirmed ones stay as they are."""
    lock_registry(session)
    objection = get_objection(session, objection_id)
    if objection.status == "withdrawn":
        raise ObjectionWithdrawn(f"objection {objection_id} was withdrawn")
    if objection.status == "confirmed":
        return objection
    at = at or datetime.now(UTC)
    objection.status, objection.confirmed_at, objection.updated_at = "confirmed", at, at
    objection.confirm_seq = next_confirm_seqs(session, 1)[0]
    _record(session, "objection.confirmed", objection)
    return objection


def withdraw_objection(
    session: Session, objection_id: str, *, at: datetime | None = None
) -> Objection:
    """Withdraw an objection (it no longer excludes anything); withdrawn ones stay as they are."""
    lock_registry(session)
    objection = get_objection(session, objection_id)
    if objection.status == "withdrawn":
        return objection
    at = at or datetime.now(UTC)
    objection.status, objection.withdrawn_at, objection.updated_at = "withdrawn", at, at
    _record(session, "objection.withdrawn", objection)
    return objection


def _record(session: Session, action: str, objection: Objection) -> None:
    session.flush()
    state = {name: getattr(objection, name) for name in STATE_COLUMNS}
    audit.append(session, action, _subject(pseudonymizer_of(session), state), _details(state))


def get_objection(session: Session, objection_id: str) -> Objection:
    """The objection with this id (fresh from the database); ObjectionNotFound otherwise."""
    objection = session.get(Objection, objection_id, populate_existing=True)
    if objection is None:
        raise ObjectionNotFound(f"no objection with id {objection_id}")
    return objection


def find_objection(
    session: Session, *, email: str | None = None, account_id: str | None = None
) -> Objection | None:
    """The objection identified by this email (normalised), else by this account id."""
    if email:
        where = Objection.email_normalized == normalize_email(email)
    else:
        where = sa.and_(Objection.email_normalized.is_(None), Objection.account_id == account_id)
    return session.execute(sa.select(Objection).where(where)).scalar_one_or_none()


def list_objections(session: Session, status: str | None = None) -> list[Objection]:
    """Every objection (optionally of one status), oldest submission first."""
    query = sa.select(Objection).order_by(Objection.submitted_at, Objection.id)
    if status is not None:
        query = query.where(Objection.status == status)
    return list(session.execute(query).scalars())


def confirmed_objections(session: Session, up_to_seq: int | None = None) -> list[Objection]:
    """Confirmed (not withdrawn) objections, optionally only those with seq ≤ ``up_to_seq``."""
    query = sa.select(Objection).where(Objection.status == "confirmed")
    if up_to_seq is not None:
        query = query.where(Objection.confirm_seq <= up_to_seq)
    return list(session.execute(query.order_by(Objection.confirm_seq)).scalars())


def objections_new_since(session: Session, watermark: int) -> list[Objection]:
    """Confirmed objections a dataset with this watermark has not applied (seq > watermark)."""
    query = sa.select(Objection).where(
        Objection.status == "confirmed", Objection.confirm_seq > watermark
    )
    return list(session.execute(query.order_by(Objection.confirm_seq)).scalars())


def confirmed_snapshot(session: Session) -> Snapshot:
    """The watermark, then every confirmed objection: all with seq ≤ watermark are included."""
    watermark = current_watermark(session)
    return Snapshot(watermark, confirmed_objections(session))


def objection_summary(objection: Objection) -> dict[str, Any]:
    """The objection as a JSON-ready dict (for the CLI and the portal)."""
    return {
        "id": objection.id,
        "email": objection.email,
        "account_id": objection.account_id,
        "status": objection.status,
        "country": objection.country,
        "reason": objection.reason,
        "names": list(objection.names),
        "handles": list(objection.handles),
        "source": objection.source,
        "submitted_at": _iso(objection.submitted_at),
        "confirmed_at": _iso(objection.confirmed_at),
        "withdrawn_at": _iso(objection.withdrawn_at),
        "confirm_seq": objection.confirm_seq,
    }


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z") if value else None
