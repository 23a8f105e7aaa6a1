"""The people directory: every account's names and handles, and the objectors to redact."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

import pyarrow as pa

from optout.keys import Pseudonymizer
from optout.redact.fold import fold_pattern
from optout.redact.names import language_of_country

NAME, HANDLE, BARE_HANDLE = 0, 1, 2  # how a pattern was written: "Ana Pérez", "@ana_p", "ana_p"
MIN_BARE_HANDLE = 6


class Pattern(NamedTuple):
    """A folded name or handle, how it is written, and the people (indices) it names."""

    text: str
    kind: int
    people: tuple[int, ...]


def bare_handle_is_distinctive(handle: str) -> bool:
    """A username is also matched without ``@`` only when no dictionary word looks like it:
    at least six characters holding a digit or an underscore (``jdoe_88``, ``anna1987``)."""
    return (
        len(handle) >= MIN_BARE_HANDLE
        and any(map(str.isalpha, handle))
        and ("_" in handle or any(map(str.isdigit, handle)))
    )


@dataclass
class _Builder:
    keys: list[str] = field(default_factory=list)
    objector: list[bool] = field(default_factory=list)
    langs: list[str] = field(default_factory=list)
    patterns: dict[tuple[str, int], list[int]] = field(default_factory=dict)
    blocked: set[str] = field(default_factory=set)

    def person(self, key: str, is_objector: bool, lang: str) -> int:
        self.keys.append(key)
        self.objector.append(is_objector)
        self.langs.append(lang)
        return len(self.keys) - 1

    def add(self, text: str, kind: int, index: int) -> None:
        people = self.patterns.setdefault((text, kind), [])
        if index not in people:
            people.append(index)

    def add_handle(self, handle: str, index: int) -> None:
        folded = fold_pattern(handle).lstrip("@")
        if not folded or " " in folded:
            return
        self.blocked.add(folded)
        self.add("@" + folded, HANDLE, index)
        if bare_handle_is_distinctive(folded):
            self.add(folded, BARE_HANDLE, index)

    def add_name(self, name: str, index: int) -> None:
        folded = fold_pattern(name)
        if not folded:
            return
        self.blocked.add(folded)
        if " " in folded:  # a one-word display name is matched only through the @handle
            self.add(folded, NAME, index)


@dataclass(frozen=True)
class PeopleDirectory:
    """Plain, picklable lists; the automaton is built from them where the redaction runs."""

    keys: tuple[str, ...]
    objector: tuple[bool, ...]
    langs: tuple[str, ...]
    patterns: tuple[Pattern, ...]
    blocked: frozenset[str]

    @classmethod
    def build(
        cls,
        accounts: pa.Table | Iterable[pa.RecordBatch],
        objector_account_ids: set[str],
        objector_names: Iterable[str],
        objector_handles: Iterable[str],
        pseudonymizer: Pseudonymizer,
    ) -> PeopleDirectory:
        """Index every account's display name and username, plus objectors without accounts."""
        builder = _Builder()
        batches = accounts.to_batches() if isinstance(accounts, pa.Table) else accounts
        for batch in batches:
            _add_accounts(builder, batch, objector_account_ids, pseudonymizer)
        for name in objector_names:
            builder.add_name(name, builder.person(pseudonymizer.name(name), True, "en"))
        for handle in objector_handles:
            builder.add_handle(handle, builder.person(pseudonymizer.name(handle), True, "en"))
        found = builder.patterns
        patterns = tuple(
            Pattern(text, kind, tuple(found[text, kind])) for text, kind in sorted(found)
        )
        return cls(tuple(builder.keys), tuple(builder.objector), tuple(builder.langs),
                   patterns, frozenset(builder.blocked))

    def __len__(self) -> int:
        return len(self.keys)

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        # column-wise: a worker unpickles three flat tuples faster than 100,000 named tuples
        texts, kinds, people = zip(*self.patterns, strict=True) if self.patterns else ((), (), ())
        return _from_columns, (self.keys, self.objector, self.langs, texts, bytes(kinds), people,
                               self.blocked)


def _from_columns(
    keys: tuple[str, ...], objector: tuple[bool, ...], langs: tuple[str, ...],
    texts: tuple[str, ...], kinds: bytes, people: tuple[tuple[int, ...], ...],
    blocked: frozenset[str],
) -> PeopleDirectory:
    patterns = tuple(map(Pattern._make, zip(texts, kinds, people, strict=True)))
    return PeopleDirectory(keys, objector, langs, patterns, blocked)


def _column(batch: pa.RecordBatch, name: str) -> list[str | None]:
    index = batch.schema.get_field_index(name)
    return batch.column(index).to_pylist() if index >= 0 else [None] * batch.num_rows


def _add_accounts(
    builder: _Builder,
    batch: pa.RecordBatch,
    objector_account_ids: set[str],
    pseudonymizer: Pseudonymizer,
) -> None:
    account_ids = _column(batch, "account_id")
    present = [account_id for account_id in account_ids if account_id is not None]
    author_keys = iter(pseudonymizer.keys(pseudonymizer.AUTHOR, present))
    rows = zip(account_ids, _column(batch, "username"), _column(batch, "display_name"),
               _column(batch, "country"), strict=True)
    for account_id, username, display_name, country in rows:
        if account_id is None:
            continue
        index = builder.person(next(author_keys), account_id in objector_account_ids,
                               language_of_country(country))
        if username:
            builder.add_handle(username, index)
        if display_name:
            builder.add_name(display_name, index)
