"""Streaming, validating reader of a platform export, and the ``export check`` summary."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from optout.corpus import jsonl, parquet
from optout.corpus.chunks import RawChunk
from optout.corpus.ids import Hasher, IdIndex, build_index, repeated_ids_by_duckdb, repeated_ids_of
from optout.corpus.media import MediaChecker
from optout.corpus.schema import ACCOUNTS, CONTENT, NOTICES, TABLES, Table
from optout.corpus.validate import Checked, check_columns, mask_of
from optout.errors import InputError, RowError

MAX_KEPT_ERRORS = 1000
FORMATS = (".jsonl", ".parquet")

Progress = Callable[[str, int, int], None]  # table, done, total (bytes or rows)


class InvalidExport(InputError):
    """The export has invalid rows and they were not to be skipped; carries the full check."""

    def __init__(self, check: ExportCheck) -> None:
        super().__init__(
            f"{check.invalid} invalid row(s) in the export "
            "(fix them, or pass --skip-invalid to leave them out)",
            check.errors,
        )
        self.check = check


def find_table_file(export_dir: Path, name: str, *, required: bool) -> Path | None:
    """The file holding table ``name`` (``.jsonl`` or ``.parquet``), or None if optional."""
    found = [export_dir / f"{name}{suffix}" for suffix in FORMATS]
    found = [path for path in found if path.is_file()]
    if len(found) > 1:
        raise InputError(f"{export_dir} holds both {name}.jsonl and {name}.parquet; keep one")
    if not found and required:
        raise InputError(f"{export_dir} has no {name}.jsonl or {name}.parquet")
    return found[0] if found else None


class ExportReader:
    """Reads an export's tables as Arrow record batches of valid rows, recording bad rows.

    ``accounts()``, ``content()`` and ``notices()`` each stream one table. Content and
    notices are checked against the valid account ids, read once (by an ``accounts()`` pass
    run to the end, or by one run on demand). Unless ``skip_invalid``, a pass that met an
    invalid row raises ``InvalidExport`` when it ends. ``errors`` keeps the first
    ``max_errors`` row errors; ``invalid`` counts every invalid row per table.
    """

    def __init__(
        self,
        export_dir: Path,
        *,
        batch_size: int = 65_536,
        skip_invalid: bool = False,
        max_errors: int = MAX_KEPT_ERRORS,
        on_progress: Progress | None = None,
    ) -> None:
        export_dir = Path(export_dir)
        if not export_dir.is_dir():
            raise InputError(f"export directory {export_dir} does not exist")
        self.export_dir = export_dir
        self.batch_size = batch_size
        self.skip_invalid = skip_invalid
        self.max_errors = max_errors
        self.on_progress = on_progress
        self.files: dict[str, Path | None] = {
            "accounts": find_table_file(export_dir, "accounts", required=True),
            "content": find_table_file(export_dir, "content", required=True),
            "notices": find_table_file(export_dir, "notices", required=False),
        }
        self.invalid: dict[str, int] = dict.fromkeys(TABLES, 0)
        self.error_count: dict[str, int] = dict.fromkeys(TABLES, 0)
        self._errors: dict[str, list[RowError]] = {name: [] for name in TABLES}
        self._hasher = Hasher()
        self._media = MediaChecker(export_dir)
        self._valid_accounts: IdIndex | None = None
        self._invalid_accounts: IdIndex | None = None

    @property
    def errors(self) -> list[RowError]:
        """The kept row errors, accounts first, then content, then notices."""
        kept = [error for name in TABLES for error in self._errors[name]]
        return kept[: self.max_errors]

    def accounts(self) -> Iterator[pa.RecordBatch]:
        """Valid account rows (``ACCOUNTS_SCHEMA``)."""
        yield from self._read(ACCOUNTS)

    def content(self) -> Iterator[pa.RecordBatch]:
        """Valid content rows (``CONTENT_SCHEMA``) whose author is a valid account."""
        self._need_accounts()
        yield from self._read(CONTENT)

    def notices(self) -> Iterator[pa.RecordBatch]:
        """Valid notices (``NOTICES_SCHEMA``); nothing when the export has none."""
        if self.files["notices"] is None:
            return
        self._need_accounts()
        yield from self._read(NOTICES)

    def _need_accounts(self) -> None:
        if self._valid_accounts is None:
            for _ in self.accounts():
                pass

    def _read(self, table: Table) -> Iterator[pa.RecordBatch]:
        path = self.files[table.name]
        assert path is not None
        self._errors[table.name], self.invalid[table.name] = [], 0
        self.error_count[table.name] = 0
        state = _TablePass(self, table, path)
        total = parquet.row_count(path) if path.suffix == ".parquet" else path.stat().st_size
        for chunk in _chunks(path, table, self.batch_size):
            batch = state.process(chunk)
            if self.on_progress is not None:
                self.on_progress(table.name, chunk.progress, total)
            if batch.num_rows:
                yield batch
        state.finish()
        if self.invalid[table.name] and not self.skip_invalid:
            raise InputError(
                f"{self.invalid[table.name]} invalid row(s) in {path.name}",
                self._errors[table.name],
            )

    def _record(self, table: str, errors: list[RowError], invalid_rows: int) -> None:
        self.invalid[table] += invalid_rows
        self.error_count[table] += len(errors)
        room = self.max_errors - len(self._errors[table])
        self._errors[table].extend(errors[: max(room, 0)])


def _chunks(path: Path, table: Table, batch_size: int) -> Iterator[RawChunk]:
    module = parquet if path.suffix == ".parquet" else jsonl
    return module.read_chunks(path, table, batch_size)


@dataclass
class _Found:
    """The problems of one chunk, keyed by row number, and which parsed rows are bad."""

    rows: np.ndarray
    bad: np.ndarray
    problems: list[tuple[int, str, str]] = field(default_factory=list)

    def add(self, index: int | None, row: int, name: str, reason: str) -> None:
        if index is not None:
            self.bad[index] = True
        self.problems.append((row, name, reason))


class _TablePass:
    """One pass over one table: checks each chunk, tracks repeated ids and account ids."""

    def __init__(self, reader: ExportReader, table: Table, path: Path) -> None:
        self.reader, self.table, self.path = reader, table, path
        self.unit = "row" if path.suffix == ".parquet" else "line"
        self.repeats = self._repeat_candidates() if table.id_field else None
        self.first_seen = np.zeros(len(self.repeats) if self.repeats else 0, dtype=np.int64)
        self.kept_ids: list[pa.Array] = []
        self.bad_ids: list[pa.Array] = []

    def process(self, chunk: RawChunk) -> pa.RecordBatch:
        """Check one chunk; record its errors; return its valid rows in the strict schema."""
        checked = check_columns(self.table, chunk.table)
        if checked.problems and chunk.exact is not None:  # a fast parse may word reasons off
            chunk = replace(chunk.exact(), progress=chunk.progress)
            checked = check_columns(self.table, chunk.table)
        found = _Found(chunk.rows, checked.bad)
        found.problems = [(int(chunk.rows[i]), name, why) for i, name, why in checked.problems]
        for failure in chunk.failed:
            found.problems.extend((failure.row, name, why) for name, why in failure.problems)
        if self.repeats is not None and len(self.repeats):
            self._check_repeats(chunk, checked, found)
        if self.table.account_field:
            self._check_accounts(checked, found)
        if self.table is CONTENT:
            self._check_media(checked, found)
        self._record(chunk, found)
        columns = [checked.columns[spec.name] for spec in self.table.fields]
        batch = pa.RecordBatch.from_arrays(columns, schema=self.table.schema)
        valid = batch.filter(pa.array(~found.bad)) if found.bad.any() else batch
        if self.table is ACCOUNTS:
            self._keep_account_ids(chunk, valid, checked, found)
        return valid

    def finish(self) -> None:
        """At the end of a complete accounts pass, publish the account id indexes."""
        if self.table is ACCOUNTS:
            hasher = self.reader._hasher
            self.reader._valid_accounts = build_index(self.kept_ids, hasher)
            self.reader._invalid_accounts = build_index(self.bad_ids, hasher)

    def _repeat_candidates(self) -> IdIndex:
        id_field = self.table.id_field
        assert id_field is not None
        try:
            repeated = repeated_ids_by_duckdb(self.path, id_field)
        except duckdb.Error:  # a line DuckDB cannot read: count with our own parser
            repeated = repeated_ids_of(lambda: self._all_ids(id_field))
        return IdIndex(repeated, self.reader._hasher)

    def _all_ids(self, id_field: str) -> Iterable[pa.Array]:
        for chunk in _chunks(self.path, self.table, self.reader.batch_size):
            ids = chunk.table.column(id_field).combine_chunks().cast(pa.string())
            yield pa.concat_arrays([ids, pa.array([f.id for f in chunk.failed], pa.string())])

    def _check_repeats(self, chunk: RawChunk, checked: Checked, found: _Found) -> None:
        assert self.repeats is not None and self.table.id_field is not None
        positions = self.repeats.positions(checked.columns[self.table.id_field])
        events: list[tuple[int, int, int | None]] = [
            (int(chunk.rows[i]), int(positions[i]), int(i)) for i in np.flatnonzero(positions >= 0)
        ]
        for failure in chunk.failed:
            at = self.repeats.position(failure.id) if failure.id is not None else -1
            if at >= 0:
                events.append((failure.row, at, None))
        for row, at, index in sorted(events, key=lambda event: event[0]):
            if self.first_seen[at] == 0:
                self.first_seen[at] = row
            else:
                why = f"{self.table.id_field} repeats the one on {self.unit} {self.first_seen[at]}"
                found.add(index, row, self.table.id_field, why)

    def _check_accounts(self, checked: Checked, found: _Found) -> None:
        name = self.table.account_field
        assert name is not None
        valid, invalid = self.reader._valid_accounts, self.reader._invalid_accounts
        assert valid is not None and invalid is not None
        ids = checked.columns[name]
        unknown = mask_of(pc.not_equal(ids, "")) & ~valid.contains(ids)
        if not unknown.any():
            return
        indexes = np.flatnonzero(unknown)
        known_bad = invalid.contains(ids.take(pa.array(indexes)))
        accounts_file = self.reader.files["accounts"].name  # type: ignore[union-attr]
        for index, is_bad in zip(indexes.tolist(), known_bad.tolist(), strict=True):
            if is_bad:
                why = f"{name} refers to an account that is invalid in {accounts_file}"
            else:
                why = f"{name} has no account in {accounts_file}"
            found.add(index, int(found.rows[index]), name, why)

    def _check_media(self, checked: Checked, found: _Found) -> None:
        media = checked.columns["media"]
        indexes = self._rows_with_media_problems(media)
        if not len(indexes):
            return
        rows = media.take(pa.array(indexes)).to_pylist()
        for index, items in zip(indexes.tolist(), rows, strict=True):
            for name, why in self.reader._media.problems(items):
                found.add(index, int(found.rows[index]), name, why)

    def _rows_with_media_problems(self, media: pa.Array) -> np.ndarray:
        """Indices of rows with a null item, a missing path or a bad path in their media
        list; column-wise, each distinct path is judged once (the messages come later)."""
        items = pc.list_flatten(media)
        if len(items) == 0:
            return np.array([], dtype=np.int64)
        paths = pc.if_else(pc.is_valid(items), pc.struct_field(items, "path"), None)
        distinct = pc.unique(paths.drop_null()).to_pylist()
        good = [path for path in distinct if path and not self.reader._media.path_problem(path)]
        ok = pc.fill_null(pc.is_in(paths, value_set=pa.array(good, pa.string())), False)
        parents = pc.list_parent_indices(media).to_numpy()
        return np.unique(parents[~ok.to_numpy(zero_copy_only=False)])

    def _keep_account_ids(
        self, chunk: RawChunk, valid: pa.RecordBatch, checked: Checked, found: _Found
    ) -> None:
        self.kept_ids.append(valid.column("account_id"))
        bad = checked.columns["account_id"].filter(pa.array(found.bad))
        failed = pa.array([f.id for f in chunk.failed if f.id is not None], pa.string())
        self.bad_ids.append(pa.concat_arrays([bad, failed]))

    def _record(self, chunk: RawChunk, found: _Found) -> None:
        order = {spec.name: rank for rank, spec in enumerate(self.table.fields)}
        found.problems.sort(key=lambda p: (p[0], order.get(p[1].split("[")[0], len(order))))
        name = self.path.name
        errors = [RowError(name, row, field_name, why) for row, field_name, why in found.problems]
        invalid_rows = int(found.bad.sum()) + len(chunk.failed)
        self.reader._record(self.table.name, errors, invalid_rows)


@dataclass
class ExportCheck:
    """What ``optout export check`` reports: valid rows per table, invalid rows, errors."""

    accounts: int
    content: int
    notices: int
    invalid: int
    errors: list[RowError]
    invalid_by_table: dict[str, int] = field(default_factory=dict)
    error_count: int = 0

    @property
    def ok(self) -> bool:
        return self.invalid == 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "accounts": self.accounts,
            "content": self.content,
            "notices": self.notices,
            "invalid": self.invalid,
            "invalid_by_table": self.invalid_by_table,
            "error_count": self.error_count,
            "errors": [error.as_dict() for error in self.errors],
        }


def check_export(
    export_dir: Path, *, skip_invalid: bool = False, on_progress: Progress | None = None
) -> ExportCheck:
    """Read the whole export once; raise ``InvalidExport`` on invalid rows unless skipped."""
    reader = ExportReader(Path(export_dir), skip_invalid=True, on_progress=on_progress)
    counts = {
        "accounts": _count(reader.accounts()),
        "content": _count(reader.content()),
        "notices": _count(reader.notices()),
    }
    check = ExportCheck(
        **counts,
        invalid=sum(reader.invalid.values()),
        errors=reader.errors,
        invalid_by_table=dict(reader.invalid),
        error_count=sum(reader.error_count.values()),
    )
    if check.invalid and not skip_invalid:
        raise InvalidExport(check)
    return check


def _count(batches: Iterable[pa.RecordBatch]) -> int:
    return sum(batch.num_rows for batch in batches)


__all__ = [
    "ACCOUNTS",
    "CONTENT",
    "NOTICES",
    "ExportCheck",
    "ExportReader",
    "InvalidExport",
    "check_export",
    "find_table_file",
]
