"""Row checks: JSON types line by line (slow path) and vectorised value checks per column."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from optout.corpus.schema import RAW_TYPES, STRICT_TYPES, TIMESTAMP, Field, Table

RFC3339 = r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$"
NAIVE_TIMESTAMP = r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$"
ISO_DATE = r"^\d{4}-\d{2}-\d{2}$"
COUNTRY = r"^[A-Z]{2}$"
SAFE_TOKEN = re.compile(r"[a-z_]{1,24}")  # enum values short and plain enough to echo
INT64 = (-(2**63), 2**63 - 1)

Problem = tuple[int, str, str]  # row index within the chunk, field, reason


@dataclass
class Checked:
    """The strictly typed columns of a chunk, which rows are bad, and why."""

    columns: dict[str, pa.Array]
    bad: np.ndarray
    problems: list[Problem] = field(default_factory=list)

    def flag(self, mask: np.ndarray, name: str, reason: str | Callable[[int], str]) -> None:
        """Mark the rows in ``mask`` bad with a reason (text, or a function of the row index)."""
        for index in np.flatnonzero(mask):
            text = reason(int(index)) if callable(reason) else reason
            self.problems.append((int(index), name, text))
        self.bad |= mask


def check_columns(table: Table, raw: pa.Table) -> Checked:
    """Validate every field of ``raw`` and convert it to ``table``'s strict schema."""
    checked = Checked(columns={}, bad=np.zeros(raw.num_rows, dtype=bool))
    for spec in table.fields:
        array = raw_column(raw, spec)
        if spec.required:
            _check_required(checked, spec, array)
        checked.columns[spec.name] = CONVERTERS[spec.kind](checked, spec, array)
    return checked


def raw_column(raw: pa.Table, spec: Field) -> pa.Array:
    """One column as a single array; all nulls when the column is absent."""
    if spec.name not in raw.column_names:
        return pa.nulls(raw.num_rows, RAW_TYPES[spec.kind])
    return raw.column(spec.name).combine_chunks()


def mask_of(condition: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """A boolean Arrow result as a NumPy mask, nulls counting as false."""
    filled = pc.fill_null(condition, False)
    if isinstance(filled, pa.ChunkedArray):
        filled = filled.combine_chunks()
    return filled.to_numpy(zero_copy_only=False)


def _check_required(checked: Checked, spec: Field, array: pa.Array) -> None:
    checked.flag(mask_of(array.is_null()), spec.name, f"{spec.name} is required")
    if pa.types.is_string(array.type) and spec.kind in ("string", "enum", "country"):
        checked.flag(mask_of(pc.equal(array, "")), spec.name, f"{spec.name} is empty")


def _as_string(checked: Checked, spec: Field, array: pa.Array) -> pa.Array:
    return array.cast(pa.string())


def _as_enum(checked: Checked, spec: Field, array: pa.Array) -> pa.Array:
    array = array.cast(pa.string())
    allowed = pa.array(spec.allowed, pa.string())
    unknown = mask_of(pc.and_(array.is_valid(), pc.invert(pc.is_in(array, value_set=allowed))))
    unknown &= mask_of(pc.not_equal(array, ""))
    choices = ", ".join(spec.allowed)

    def reason(index: int) -> str:
        value = array[index].as_py()
        if SAFE_TOKEN.fullmatch(value):
            return f"{spec.name} '{value}' is not one of {choices}"
        return f"{spec.name} is not one of {choices}"

    checked.flag(unknown, spec.name, reason)
    return array


def _as_country(checked: Checked, spec: Field, array: pa.Array) -> pa.Array:
    array = array.cast(pa.string())
    wrong = pc.invert(pc.match_substring_regex(array, COUNTRY))
    checked.flag(mask_of(wrong), spec.name, f"{spec.name} is not an ISO 3166-1 alpha-2 code")
    return array


def _as_timestamp(checked: Checked, spec: Field, array: pa.Array) -> pa.Array:
    if pa.types.is_timestamp(array.type):
        return array.cast(TIMESTAMP)
    well_formed = mask_of(pc.match_substring_regex(array, RFC3339))
    naive = mask_of(pc.match_substring_regex(array, NAIVE_TIMESTAMP)) & ~well_formed
    other = mask_of(array.is_valid()) & ~well_formed & ~naive
    checked.flag(naive, spec.name, f"{spec.name} has no time zone offset (add Z or +hh:mm)")
    checked.flag(other, spec.name, f"{spec.name} is not an RFC 3339 timestamp")
    text = pc.replace_substring_regex(array, r"(\.\d{6})\d+", r"\1")
    return _cast_checked(checked, spec, text, well_formed, TIMESTAMP, "date and time")


def _as_date(checked: Checked, spec: Field, array: pa.Array) -> pa.Array:
    if pa.types.is_date(array.type):
        return array.cast(pa.date32())
    well_formed = mask_of(pc.match_substring_regex(array, ISO_DATE))
    other = mask_of(array.is_valid()) & ~well_formed
    checked.flag(other, spec.name, f"{spec.name} is not a date (YYYY-MM-DD)")
    return _cast_checked(checked, spec, array, well_formed, pa.date32(), "date")


def _cast_checked(
    checked: Checked, spec: Field, text: pa.Array, keep: np.ndarray, to: pa.DataType, what: str
) -> pa.Array:
    """Cast the well-formed strings; locate the ones that still fail (a 31 February)."""
    text = pc.if_else(pa.array(keep), text, pa.scalar(None, text.type))
    try:
        return text.cast(to)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    impossible = np.zeros(len(text), dtype=bool)
    for index in np.flatnonzero(keep):
        try:
            text[int(index) : int(index) + 1].cast(to)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            impossible[index] = True
    checked.flag(impossible, spec.name, f"{spec.name} is not a valid {what}")
    return pc.if_else(pa.array(keep & ~impossible), text, pa.scalar(None, text.type)).cast(to)


def _as_bool(checked: Checked, spec: Field, array: pa.Array) -> pa.Array:
    return array.cast(pa.bool_())


def _as_rating(checked: Checked, spec: Field, array: pa.Array) -> pa.Array:
    array = array.cast(pa.int64(), safe=False)
    outside = mask_of(pc.or_(pc.less(array, 1), pc.greater(array, 5)))
    checked.flag(outside, spec.name, f"{spec.name} must be between 1 and 5")
    return pc.if_else(pa.array(outside), pa.scalar(None, pa.int64()), array).cast(pa.int8())


def _as_strings(checked: Checked, spec: Field, array: pa.Array) -> pa.Array:
    array = array.cast(STRICT_TYPES["strings"])
    flat = pc.list_flatten(array)
    if flat.null_count:
        parents = pc.list_parent_indices(array).to_numpy()
        rows = np.zeros(len(array), dtype=bool)
        rows[parents[mask_of(flat.is_null())]] = True
        checked.flag(rows, spec.name, f"{spec.name} holds a null entry")
    return array


def _as_media(checked: Checked, spec: Field, array: pa.Array) -> pa.Array:
    return array.cast(STRICT_TYPES["media"])  # paths are checked against the disk later


CONVERTERS: dict[str, Callable[[Checked, Field, pa.Array], pa.Array]] = {
    "string": _as_string,
    "enum": _as_enum,
    "country": _as_country,
    "timestamp": _as_timestamp,
    "date": _as_date,
    "bool": _as_bool,
    "rating": _as_rating,
    "strings": _as_strings,
    "media": _as_media,
}


def json_type_problems(table: Table, row: dict[str, Any]) -> list[tuple[str, str]]:
    """Fields of a parsed JSON object whose JSON type is wrong (nulls are checked later)."""
    problems = []
    for spec in table.fields:
        value = row.get(spec.name)
        if value is not None:
            reason = JSON_TYPE_CHECKS[spec.kind](spec.name, value)
            if reason:
                problems.append((spec.name, reason))
    return problems


def _json_string(name: str, value: Any) -> str | None:
    return None if isinstance(value, str) else f"{name} must be a string"


def _json_timestamp(name: str, value: Any) -> str | None:
    return None if isinstance(value, str) else f"{name} must be an RFC 3339 timestamp string"


def _json_date(name: str, value: Any) -> str | None:
    return None if isinstance(value, str) else f"{name} must be a date string (YYYY-MM-DD)"


def _json_bool(name: str, value: Any) -> str | None:
    return None if isinstance(value, bool) else f"{name} must be true or false"


def _json_rating(name: str, value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return f"{name} must be an integer"
    return None if INT64[0] <= value <= INT64[1] else f"{name} must be between 1 and 5"


def _json_strings(name: str, value: Any) -> str | None:
    if isinstance(value, list) and all(item is None or isinstance(item, str) for item in value):
        return None
    return f"{name} must be a list of strings"


def _json_media(name: str, value: Any) -> str | None:
    if isinstance(value, list) and all(item is None or _media_item_ok(item) for item in value):
        return None
    return f"{name} must be a list of {{path, alt_text}} objects"


def _media_item_ok(item: Any) -> bool:
    if not isinstance(item, dict):
        return False
    return all(item.get(key) is None or isinstance(item[key], str) for key in ("path", "alt_text"))


JSON_TYPE_CHECKS: dict[str, Callable[[str, Any], str | None]] = {
    "string": _json_string,
    "enum": _json_string,
    "country": _json_string,
    "timestamp": _json_timestamp,
    "date": _json_date,
    "bool": _json_bool,
    "rating": _json_rating,
    "strings": _json_strings,
    "media": _json_media,
}
