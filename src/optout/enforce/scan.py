"""Scanning decoded tables and raw files for covered people, their names and PII."""

from __future__ import annotations

import json
from collections import defaultdict
from functools import cached_property
from pathlib import Path

import ahocorasick
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from optout.enforce.coverage import Coverage
from optout.enforce.text import NameFinder, PiiScanner

COVERED_ROWS = "covered_author_rows"
LINKABLE_MENTIONS = "covered_person_mentions"
OBJECTOR_NAMES = "objector_names_in_text"
KEYS_IN_FILE = "covered_keys_in_file"
NAMES_IN_FILE = "objector_names_in_file"


class RowScanner:
    """Finds rows of covered authors, rows that still link a covered person, names, PII."""

    def __init__(self, coverage: Coverage, names: NameFinder, pii: PiiScanner) -> None:
        self.coverage = coverage
        self.names = names
        self.pii = pii
        self._authors = pa.array(sorted(coverage.author_keys), pa.string())
        self._people = pa.array(sorted(coverage.person_keys), pa.string())

    def scan(self, table: pa.Table, pii: bool = True) -> dict[str, list[int]]:
        """Row indices of each problem found in one table of dataset rows."""
        found: dict[str, list[int]] = {}
        columns = set(table.column_names)
        if "author_key" in columns:
            hits = pc.is_in(table.column("author_key"), value_set=self._authors)
            found[COVERED_ROWS] = _indices(hits)
        if "person_keys" in columns:
            found[LINKABLE_MENTIONS] = self._mentions(table.column("person_keys"))
        if "text" in columns:
            found[OBJECTOR_NAMES] = self._named(table.column("text"))
            if pii:
                found.update(self._pii(table.column("text")))
        return {check: rows for check, rows in found.items() if rows}

    def _mentions(self, column: pa.ChunkedArray) -> list[int]:
        keys = column.combine_chunks()
        hits = pc.fill_null(pc.is_in(pc.list_flatten(keys), value_set=self._people), False)
        parents = pc.list_parent_indices(keys).to_numpy(zero_copy_only=False)
        return sorted(set(parents[hits.to_numpy(zero_copy_only=False)].tolist()))

    def _named(self, texts: pa.ChunkedArray) -> list[int]:
        if not self.names:
            return []
        candidates = _indices(self.names.candidates(texts))
        values = texts.take(pa.array(candidates, pa.int64())).to_pylist() if candidates else []
        return [row for row, text in zip(candidates, values, strict=True)
                if text and self.names.count(text)]  # fmt: skip

    def _pii(self, texts: pa.ChunkedArray) -> dict[str, list[int]]:
        found: dict[str, list[int]] = defaultdict(list)
        for row, text in enumerate(texts.to_pylist()):
            if text:
                for label in set(self.pii.find(text)):
                    found[f"pii:{label}"].append(row)
        return dict(found)

    @cached_property
    def key_automaton(self) -> ahocorasick.Automaton | None:
        keys = self.coverage.author_keys | self.coverage.email_keys | self.coverage.name_keys
        if not keys:
            return None
        automaton = ahocorasick.Automaton()
        for key in keys:
            automaton.add_word(key, key)
        automaton.make_automaton()
        return automaton


def raw_text_hits(path: Path, scanner: RowScanner) -> dict[str, int]:
    """Covered keys and objector names in a file read as text (Parquet decoded to JSON)."""
    text = _as_text(path)
    hits: dict[str, int] = {}
    automaton = scanner.key_automaton
    if automaton is not None:
        keys = {key for _, key in automaton.iter(text)}
        if keys:
            hits[KEYS_IN_FILE] = len(keys)
    if scanner.names:
        named = scanner.names.count(text)
        if named:
            hits[NAMES_IN_FILE] = named
    return hits


def _as_text(path: Path) -> str:
    raw = path.read_bytes().decode("utf-8", errors="replace")
    if path.suffix != ".parquet":
        return raw
    try:
        rows = pq.read_table(path).to_pylist()
    except Exception:  # undecodable: the raw bytes are all there is to scan
        return raw
    return raw + "\n" + json.dumps(rows, default=str, ensure_ascii=False)


def _indices(mask: pa.Array | pa.ChunkedArray) -> list[int]:
    if isinstance(mask, pa.ChunkedArray):
        mask = mask.combine_chunks()
    values = pc.fill_null(mask, False).to_numpy(zero_copy_only=False)
    return np.flatnonzero(values).tolist()
