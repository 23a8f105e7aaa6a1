"""Id bookkeeping without a Python set of all ids: sorted 64-bit hashes and a DuckDB pre-pass."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

DUCKDB_MEMORY_LIMIT = "256MB"
DUCKDB_THREADS = 1  # the build's workers use the other core
HASHER_MEMORY_LIMIT = "64MB"


class Hasher:
    """64-bit hashes of strings, computed by DuckDB over Arrow data."""

    def __init__(self) -> None:
        config = {"threads": 1, "memory_limit": HASHER_MEMORY_LIMIT}
        self._con = duckdb.connect(":memory:", config=config)

    def __call__(self, values: pa.Array) -> np.ndarray:
        frame = pa.table({"v": values.cast(pa.string())})  # noqa: F841 (read by DuckDB)
        return self._con.execute("SELECT hash(v) AS h FROM frame").fetchnumpy()["h"]


class IdIndex:
    """An immutable set of string ids: sorted hashes for speed, the ids for exact answers."""

    def __init__(self, ids: pa.Array, hasher: Hasher | None = None) -> None:
        self._hash = hasher or Hasher()
        ids = pc.drop_null(ids.cast(pa.string()))
        hashes = self._hash(ids) if len(ids) else np.zeros(0, np.uint64)
        order = np.argsort(hashes, kind="stable")
        self._hashes = hashes[order]
        self._ids = ids.take(pa.array(order))

    def __len__(self) -> int:
        return len(self._ids)

    def positions(self, values: pa.Array) -> np.ndarray:
        """For each value, its position in the index, or -1 (also for nulls)."""
        found = np.full(len(values), -1, dtype=np.int64)
        if not len(self._ids) or not len(values):
            return found
        hashes = self._hash(values)
        at = np.minimum(np.searchsorted(self._hashes, hashes), len(self._hashes) - 1)
        hit = (self._hashes[at] == hashes) & ~values.is_null().to_numpy(zero_copy_only=False)
        if not hit.any():
            return found
        same = pc.fill_null(pc.equal(self._ids.take(pa.array(at)), values.cast(pa.string())), False)
        exact = hit & same.to_numpy(zero_copy_only=False)
        found[exact] = at[exact]
        for index in np.flatnonzero(hit & ~exact):  # hash collisions: look at the neighbours
            found[index] = self._scan(int(at[index]), int(hashes[index]), values[index].as_py())
        return found

    def contains(self, values: pa.Array) -> np.ndarray:
        """A mask: which values are in the index."""
        return self.positions(values) >= 0

    def position(self, value: str) -> int:
        """The position of one id, or -1."""
        return int(self.positions(pa.array([value], pa.string()))[0])

    def _scan(self, start: int, wanted: int, value: str) -> int:
        index = start
        while index < len(self._hashes) and self._hashes[index] == wanted:
            if self._ids[index].as_py() == value:
                return index
            index += 1
        return -1


def build_index(arrays: Iterable[pa.Array], hasher: Hasher | None = None) -> IdIndex:
    """An index of the ids in several arrays."""
    chunks = [array.cast(pa.string()) for array in arrays]
    return IdIndex(pa.concat_arrays(chunks) if chunks else pa.array([], pa.string()), hasher)


def repeated_ids_by_duckdb(path: Path, id_field: str) -> pa.Array:
    """Ids that occur more than once in a JSON Lines or Parquet file, counted by DuckDB.

    DuckDB aggregates within a memory limit and spills to a temporary directory. It reads
    every line or it fails (then the caller counts with its own parser instead).
    """
    if path.suffix == ".parquet":
        source = "read_parquet(?)"
    else:
        source = (
            "read_json(?, format='newline_delimited', "
            f"columns={{'{id_field}': 'VARCHAR'}}, ignore_errors=false)"
        )
    query = (
        f'SELECT CAST("{id_field}" AS VARCHAR) AS id FROM {source} '
        f'WHERE "{id_field}" IS NOT NULL GROUP BY 1 HAVING count(*) > 1'
    )
    return _spilling_query(query, [str(path)])


def repeated_ids_of(batches: Callable[[], Iterable[pa.Array]]) -> pa.Array:
    """Ids that occur more than once in a stream of id arrays (spilled to disk by DuckDB)."""
    with tempfile.TemporaryDirectory(prefix="optout-ids-") as tmp:
        con = _spilling_connection(Path(tmp))
        con.execute("CREATE TABLE ids (id VARCHAR)")
        for array in batches():
            frame = pa.table({"id": array.cast(pa.string())})  # noqa: F841 (read by DuckDB)
            con.execute("INSERT INTO ids SELECT id FROM frame WHERE id IS NOT NULL")
        query = "SELECT id FROM ids GROUP BY id HAVING count(*) > 1"
        result = con.sql(query).to_arrow_table().column("id").combine_chunks()
        con.close()
    return result


def _spilling_query(query: str, params: list[str]) -> pa.Array:
    with tempfile.TemporaryDirectory(prefix="optout-ids-") as tmp:
        con = _spilling_connection(Path(tmp))
        table = con.sql(query, params=params).to_arrow_table()
        con.close()
    return table.column("id").combine_chunks()


def _spilling_connection(tmp: Path) -> duckdb.DuckDBPyConnection:
    config = {
        "memory_limit": DUCKDB_MEMORY_LIMIT,
        "threads": DUCKDB_THREADS,
        "temp_directory": str(tmp / "spill"),
        "preserve_insertion_order": False,
    }
    return duckdb.connect(str(tmp / "ids.duckdb"), config=config)
