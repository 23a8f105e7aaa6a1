"""Delta log surgery for a purge: one replace commit, unreferenced files gone, log compacted."""

from __future__ import annotations

import time
from collections.abc import Iterable
from pathlib import Path

import pyarrow as pa
from deltalake import DeltaTable
from deltalake.transaction import RemoveAction

from optout.pipeline.writer import OUTPUT_SCHEMA, DataFile

LOG_DIR = "_delta_log"


def current_files(data_dir: Path) -> dict[str, int]:
    """Data files of the current version (relative to ``data/``) with their sizes."""
    # through the C stream interface: pa.table() on deltalake's table would import pandas
    actions = pa.RecordBatchReader.from_stream(
        DeltaTable(str(data_dir)).get_add_actions(flatten=True)
    ).read_all()
    return dict(
        zip(actions.column("path").to_pylist(), actions.column("size_bytes").to_pylist(),
            strict=True)
    )  # fmt: skip


def bucket_of_path(path: str) -> int:
    """The bucket a data file belongs to, from its ``bucket=N/`` directory."""
    return int(path.split("/", 1)[0].removeprefix("bucket="))


def commit_replacement(
    data_dir: Path, removed: Iterable[str], added: Iterable[DataFile], sizes: dict[str, int]
) -> int:
    """One Delta commit that adds ``added`` and removes ``removed``; the new version."""
    now = int(time.time() * 1000)
    actions: list = [file.add_action() for file in added]
    actions += [
        RemoveAction(path=path, data_change=True, deletion_timestamp=now, size=sizes.get(path),
                     partition_values={"bucket": str(bucket_of_path(path))})
        for path in removed
    ]  # fmt: skip
    table = DeltaTable(str(data_dir))
    table.create_write_transaction(
        actions, mode="append", schema=OUTPUT_SCHEMA, partition_by=["bucket"]
    )
    table.update_incremental()
    return table.version()


def delete_unreferenced(data_dir: Path, keep: Iterable[str]) -> list[str]:
    """Delete every file under ``data/`` (outside the log) that is not in ``keep``."""
    kept = set(keep)
    deleted = []
    for path in sorted(p for p in data_dir.rglob("*") if p.is_file()):
        relative = path.relative_to(data_dir).as_posix()
        if relative.startswith(LOG_DIR + "/") or relative in kept:
            continue
        path.unlink()
        deleted.append(relative)
    for directory in sorted((p for p in data_dir.rglob("*") if p.is_dir()), reverse=True):
        if LOG_DIR not in directory.parts and not any(directory.iterdir()):
            directory.rmdir()
    return deleted


def compact_log(data_dir: Path) -> int:
    """Checkpoint the current version and delete every older log entry and checkpoint.

    Older commits name files that no longer exist; after this only the newest commit, its
    checkpoint and ``_last_checkpoint`` remain, so time travel to a purged version is gone.
    Returns how many log files were deleted.
    """
    table = DeltaTable(str(data_dir))
    version = table.version()
    table.create_checkpoint()
    deleted = 0
    for path in sorted((data_dir / LOG_DIR).rglob("*")):
        if path.is_file() and _log_version(path.name) not in (None, version):
            path.unlink()
            deleted += 1
    DeltaTable(str(data_dir)).to_pyarrow_dataset()  # still opens, from the checkpoint
    return deleted


def _log_version(name: str) -> int | None:
    """The version a log file belongs to (``00…07.json``, ``00…07.checkpoint.parquet``)."""
    head = name.split(".", 1)[0]
    return int(head) if head.isdigit() else None
