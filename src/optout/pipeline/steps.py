"""Build steps: pure functions over Arrow record batches, the same on every engine.

Each step takes a batch and returns a ``StepResult``: the batch it passes on, the rows it
excluded by reason, and counters that merge by addition (so engines can combine results
from any number of workers). Steps hold only picklable state.
"""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Protocol

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from optout.keys import Pseudonymizer
from optout.pipeline.lang import country_language, guess_languages
from optout.pipeline.writer import MEDIA_TYPE, OUTPUT_SCHEMA
from optout.policy import Policy

TIMESTAMP = pa.timestamp("us", tz="UTC")
DIGEST_MODULUS = 1 << 256

# The order in which exclusion reasons are decided (interfaces §3); a row counts once.
POLICY_REASONS = (
    "objected",
    "not_public",
    "kind_excluded",
    "after_as_of",
    "deleted",
    "out_of_region",
    "minor",
    "unknown_age",
    "not_notified",
)
MENTIONS_OBJECTOR = "mentions_objector"


@dataclass
class StepResult:
    """What a step (or a chain of steps) did to one batch."""

    batch: pa.RecordBatch
    excluded: Counter[str] = field(default_factory=Counter)
    counters: Counter[str] = field(default_factory=Counter)

    def then(self, step: Step) -> StepResult:
        """Run ``step`` on this result's batch and merge what it reports (and its cost)."""
        started = time.perf_counter()
        result = step(self.batch)
        counters = self.counters + result.counters
        counters[f"step_seconds:{step.name}"] += time.perf_counter() - started
        counters[f"step_rows_in:{step.name}"] += self.batch.num_rows
        counters[f"step_rows_out:{step.name}"] += result.batch.num_rows
        return StepResult(result.batch, self.excluded + result.excluded, counters)


class Step(Protocol):
    """A named, pure transformation of one record batch."""

    name: str

    def __call__(self, batch: pa.RecordBatch) -> StepResult: ...


def run_steps(steps: list[Step], batch: pa.RecordBatch) -> StepResult:
    """Apply ``steps`` in order to one batch."""
    result = StepResult(batch)
    for step in steps:
        result = result.then(step)
    return result


@dataclass(frozen=True)
class AttachAccountFacts:
    """Join each content row with what the build decided about its author's account."""

    facts: pa.Table
    name: str = "attach_account_facts"

    def __call__(self, batch: pa.RecordBatch) -> StepResult:
        ids = self.facts.column("account_id")
        rows = pc.index_in(batch.column("account_id"), value_set=ids)
        matched = self.facts.take(rows)
        for name in self.facts.column_names:
            if name != "account_id":
                batch = _with(batch, name, matched.column(name).combine_chunks())
        return StepResult(batch)


@dataclass(frozen=True)
class ApplyPolicy:
    """Drop rows the policy or an objection excludes, counting each under its first reason."""

    policy: Policy
    as_of: datetime
    name: str = "apply_policy"

    def __call__(self, batch: pa.RecordBatch) -> StepResult:
        reasons = self.reasons(batch)
        kept = batch.filter(pc.is_null(reasons))
        return StepResult(kept, _count_values(reasons))

    def reasons(self, batch: pa.RecordBatch) -> pa.Array:
        """The exclusion reason of every row, or null where the row is kept."""
        masks = [_false_if_null(mask) for mask in self._masks(batch)]
        conditions = pa.StructArray.from_arrays(masks, names=list(POLICY_REASONS))
        return pc.case_when(conditions, *[pa.scalar(r) for r in POLICY_REASONS])

    def _masks(self, batch: pa.RecordBatch) -> list[pa.Array]:
        as_of = pa.scalar(self.as_of, type=TIMESTAMP)
        created = batch.column("created_at")
        adult_from = batch.column("a_adult_from")
        unknown_age = pc.is_null(adult_from)
        not_notified = pc.invert(_false_if_null(batch.column("a_notified")))
        return [
            pc.or_(batch.column("a_objected"), _false_if_null(batch.column("noai"))),
            pc.or_(
                pc.not_equal(batch.column("visibility"), "public"),
                pc.equal(batch.column("kind"), "message"),
            ),
            pc.invert(pc.is_in(batch.column("kind"), pa.array(self.policy.scope.kinds))),
            pc.greater(created, as_of),
            pc.or_(
                _false_if_null(pc.less_equal(batch.column("deleted_at"), as_of)),
                _false_if_null(pc.less_equal(batch.column("a_deleted_at"), as_of)),
            ),
            pc.invert(_false_if_null(batch.column("a_in_region"))),
            pc.or_(pc.greater(adult_from, created), pc.greater(adult_from, as_of)),
            unknown_age if self.policy.scope.unknown_age == "exclude" else _all(batch, False),
            not_notified if self.policy.notice.required else _all(batch, False),
        ]


@dataclass(frozen=True)
class GuessLanguage:
    """Add ``lang`` (the text's language or null) and ``name_lang`` (for surrogate names)."""

    name: str = "guess_language"

    def __call__(self, batch: pa.RecordBatch) -> StepResult:
        lang_column = guess_languages(batch.column("text"))
        country_langs = pa.array(
            [country_language(c) for c in batch.column("a_country").to_pylist()], pa.string()
        )
        batch = _with(batch, "lang", lang_column)
        batch = _with(batch, "name_lang", pc.coalesce(lang_column, country_langs))
        return StepResult(batch, counters=_prefixed("lang", lang_column))


@dataclass
class RedactText:
    """Redact people and personal data in ``text``; collect the keys of people mentioned.

    Objectors named in the text become ``[PERSON]``; with ``third_party_mentions = "drop"``
    a row that mentions an objector (in its text or its structured ``mentions``) is excluded.
    """

    redactor: object  # optout.redact.Redactor (built lazily in workers)
    objector_ids: frozenset[str]
    pseudonymizer: Pseudonymizer
    drop_mentions: bool
    name: str = "redact_text"
    _author_keys: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    def __call__(self, batch: pa.RecordBatch) -> StepResult:
        texts, person_keys, mentions_objector, counts = self.redactor.redact_column(
            batch.column("text"), batch.column("name_lang"), batch.column("a_country")
        )
        tagged, tags_objector = self._structured_mentions(batch.column("mentions"))
        if tagged:  # the few rows that tag someone: their keys join those found in the text
            keys = person_keys.to_pylist()
            for row, tagged_keys in tagged.items():
                keys[row] = sorted(set(keys[row] or ()) | set(tagged_keys))
            person_keys = pa.array(keys, pa.list_(pa.string()))
        objector_hit = pc.or_(mentions_objector, pa.array(tags_objector, pa.bool_()))
        batch = _with(batch, "text", texts)
        batch = _with(batch, "person_keys", person_keys)
        counters = Counter({f"redacted:{label}": n for label, n in counts.items() if n})
        if not self.drop_mentions:
            return StepResult(batch, counters=counters)
        kept = batch.filter(pc.invert(objector_hit))
        dropped = batch.num_rows - kept.num_rows
        return StepResult(kept, Counter({MENTIONS_OBJECTOR: dropped}), counters)

    def _structured_mentions(self, mentions: pa.Array) -> tuple[dict[int, list[str]], np.ndarray]:
        """The keys of the accounts each row tags (rows that tag nobody left out), and
        whether each row tags an objector; column-wise, with keys remembered per account."""
        tags_objector = np.zeros(len(mentions), dtype=bool)
        accounts = pc.list_flatten(mentions)
        if len(accounts) == 0:
            return {}, tags_objector
        rows = pc.list_parent_indices(mentions).to_numpy()
        present = pc.is_valid(accounts).to_numpy(zero_copy_only=False)
        objecting = pc.is_in(accounts, value_set=self._objector_array).to_numpy(
            zero_copy_only=False
        )
        tags_objector[rows[present & objecting]] = True
        others = present & ~objecting
        tagged: dict[int, list[str]] = {}
        for row, account in zip(
            rows[others].tolist(), accounts.filter(pa.array(others)).to_pylist(), strict=True
        ):
            tagged.setdefault(row, []).append(self._author_key(account))
        return tagged, tags_objector

    @cached_property
    def _objector_array(self) -> pa.Array:
        return pa.array(sorted(self.objector_ids), pa.string())

    def _author_key(self, account_id: str) -> str:
        key = self._author_keys.get(account_id)
        if key is None:
            key = self._author_keys[account_id] = self.pseudonymizer.author(account_id)
        return key


@dataclass(frozen=True)
class ShapeOutput:
    """Key the row, choose its bucket and keep only the dataset's columns (interfaces §4)."""

    pseudonymizer: Pseudonymizer
    buckets: int
    name: str = "shape_output"

    def __call__(self, batch: pa.RecordBatch) -> StepResult:
        content = Pseudonymizer.CONTENT
        content_keys = self.pseudonymizer.keys(content, batch.column("content_id").to_pylist())
        parent_keys = self._parent_keys(batch.column("parent_id"))
        author_keys = batch.column("a_author_key")
        buckets = batch.column("a_bucket")
        columns = {
            "content_key": pa.array(content_keys, pa.string()),
            "author_key": author_keys,
            "kind": batch.column("kind"),
            "lang": batch.column("lang"),
            "text": batch.column("text"),
            "person_keys": batch.column("person_keys"),
            "media": _processed_media(batch),
            "created_date": pc.cast(batch.column("created_at"), pa.date32()),
            "rating": pc.cast(batch.column("rating"), pa.int8()),
            "parent_key": pa.array(parent_keys, pa.string()),
            "bucket": buckets,
        }
        out = pa.RecordBatch.from_arrays(
            [columns[f.name].cast(f.type) for f in OUTPUT_SCHEMA], schema=OUTPUT_SCHEMA
        )
        counters = _prefixed("kind", batch.column("kind"))
        counters += _prefixed("country", batch.column("a_country"))
        counters["rows_digest"] = rows_digest(out)
        return StepResult(out, counters=counters)


    def _parent_keys(self, parents: pa.Array) -> pa.Array:
        """The content key of each row's parent, null where the row has none."""
        has_parent = pc.fill_null(pc.not_equal(parents, ""), False)
        if not pc.any(has_parent).as_py():
            return pa.nulls(len(parents), pa.string())
        ids = parents.filter(has_parent).to_pylist()
        keys = iter(self.pseudonymizer.keys(Pseudonymizer.CONTENT, ids))
        return pa.array(
            [next(keys) if present else None for present in has_parent.to_pylist()], pa.string()
        )


def _processed_media(batch: pa.RecordBatch) -> pa.Array:
    """The ``media`` column once ``process_media`` has replaced it, else empty lists."""
    index = batch.schema.get_field_index("media")
    if index >= 0 and batch.schema.field(index).type == MEDIA_TYPE:
        return batch.column(index)
    return pa.array([[]] * batch.num_rows, MEDIA_TYPE)


def rows_digest(batch: pa.RecordBatch) -> int:
    """Sum (mod 2**256) of the SHA-256 of every row: equal for equal sets of rows, any order."""
    total = 0
    for row in _canonical_rows(batch).to_pylist():
        total += int.from_bytes(hashlib.sha256(row.encode()).digest(), "big")
    return total % DIGEST_MODULUS


def _canonical_rows(batch: pa.RecordBatch) -> pa.Array:
    """One string per row holding every output column, separated by a unit separator."""
    parts = []
    for name in OUTPUT_SCHEMA.names:
        column = batch.column(name)
        if pa.types.is_list(column.type):
            column = pc.binary_join(_strings_of_items(column), "\x1e")
        parts.append(pc.fill_null(pc.cast(column, pa.string()), "\x00"))
    return pc.binary_join_element_wise(*parts, "\x1f")


def _strings_of_items(column: pa.ListArray) -> pa.ListArray:
    """A list column with each item as one string (a struct's fields joined)."""
    values = column.values
    if pa.types.is_struct(values.type):
        fields = [
            pc.fill_null(pc.struct_field(values, i), "") for i in range(values.type.num_fields)
        ]
        values = pc.binary_join_element_wise(*fields, "\x1d")
    return pa.ListArray.from_arrays(column.offsets, pc.cast(values, pa.string()))


def _count_values(values: pa.Array) -> Counter[str]:
    present = values.drop_null()
    if len(present) == 0:
        return Counter()
    return Counter(
        {item["values"]: item["counts"] for item in pc.value_counts(present).to_pylist()}
    )


def _prefixed(prefix: str, values: pa.Array | pa.ChunkedArray) -> Counter[str]:
    """Counts of each value (null as 'unknown'), keyed ``prefix:value``."""
    counts = pc.value_counts(values)
    names = counts.field("values").to_pylist()
    return Counter(
        {
            f"{prefix}:{'unknown' if name is None else name}": n
            for name, n in zip(names, counts.field("counts").to_pylist(), strict=True)
        }
    )


def _false_if_null(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    return pc.fill_null(values, False)


def _all(batch: pa.RecordBatch, value: bool) -> pa.Array:
    return pa.array([value] * batch.num_rows, pa.bool_())


def _with(batch: pa.RecordBatch, name: str, values: pa.Array) -> pa.RecordBatch:
    index = batch.schema.get_field_index(name)
    if index >= 0:
        return batch.set_column(index, name, values)
    return batch.append_column(name, values)
