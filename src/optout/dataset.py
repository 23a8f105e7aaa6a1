"""The training gate: open a dataset for training only while no objection is new to it."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.dataset as ds

from optout.errors import CheckFailed

log = logging.getLogger(__name__)

DATA_DIR = "data"
STALE_OVERRIDE_ACTION = "dataset.stale_override"


class StaleDatasetError(CheckFailed):
    """The dataset holds data it must not: an objection is new to it, or its files changed."""

    def __init__(self, message: str, freshness: Freshness) -> None:
        super().__init__(message)
        self.freshness = freshness


@dataclass(slots=True)
class Freshness:
    """What makes a dataset stale: new objections and data files that fail their checksums."""

    version: int
    watermark: int
    new_objections: int = 0
    bad_files: list[str] = field(default_factory=list)

    @property
    def stale(self) -> bool:
        return bool(self.new_objections or self.bad_files)

    def reasons(self) -> list[str]:
        reasons = []
        if self.new_objections:
            reasons.append(f"{self.new_objections} objection(s) confirmed after its watermark "
                           f"{self.watermark}: run `optout purge` or rebuild")  # fmt: skip
        if self.bad_files:
            reasons.append(f"{len(self.bad_files)} data file(s) missing, changed or not in the "
                           f"manifest (e.g. {self.bad_files[0]})")  # fmt: skip
        return reasons


def open(
    path: str | Path, *, allow_stale: bool = False
) -> ds.Dataset:
    """The dataset at ``path`` as a pyarrow Dataset of its verified data files.

    Raises StaleDatasetError when a confirmed objection is new to it (seq above its watermark,
    checked against the registry at OPTOUT_DATABASE_URL) or a data file fails its manifest
    checksum. ``allow_stale=True`` opens it anyway; that is logged and audited.
    """
    from optout.enforce.lineage import dataset_identity

    dataset_dir = Path(path)
    identity = dataset_identity(dataset_dir)
    manifest = identity[3]
    freshness = check_freshness(dataset_dir, manifest)
    if freshness.stale:
        if not allow_stale:
            raise StaleDatasetError(
                f"refusing stale dataset {dataset_dir}: " + "; ".join(freshness.reasons()),
                freshness,
            )
        _record_override(identity[0], identity[1], freshness)
    return arrow_dataset(dataset_dir, manifest)


def check_freshness(dataset_dir: Path, manifest: dict[str, Any]) -> Freshness:
    """Compare the dataset with the registry (one indexed count) and its files' checksums."""
    freshness = Freshness(int(manifest["version"]), int(manifest["watermark"]))
    freshness.new_objections = _new_objections(freshness.watermark)
    freshness.bad_files = bad_data_files(dataset_dir / DATA_DIR, manifest.get("files", {}))
    return freshness


def _new_objections(watermark: int) -> int:
    from optout.registry import open_registry
    from optout.registry.lineage import new_objection_count

    with open_registry() as registry, registry.read_session() as session:
        return new_objection_count(session, watermark)


def bad_data_files(data_dir: Path, files: dict[str, dict[str, Any]]) -> list[str]:
    """Data files that are missing, fail their SHA-256, or differ from Delta's current list."""
    from deltalake import DeltaTable
    from deltalake.exceptions import DeltaError

    from optout.pipeline.writer import sha256_file

    try:
        actions = pa.table(DeltaTable(str(data_dir)).get_add_actions(flatten=True))
        current = set(actions.column("path").to_pylist())
    except (DeltaError, OSError):  # no readable Delta log: nothing it lists can be trusted
        current = set()
    bad = sorted(current.symmetric_difference(files))
    for name, entry in sorted(files.items()):
        file = data_dir / name
        if name not in bad and (not file.is_file() or sha256_file(file) != entry["sha256"]):
            bad.append(name)
    return bad


def arrow_dataset(dataset_dir: Path, manifest: dict[str, Any]) -> ds.Dataset:
    """A pyarrow Dataset over exactly the manifest's data files (with the ``bucket`` column)."""
    data_dir = dataset_dir / DATA_DIR
    paths = [str(data_dir / name) for name in sorted(manifest["files"])]
    return ds.dataset(paths, format="parquet", partitioning="hive",
                      partition_base_dir=str(data_dir))  # fmt: skip


def _record_override(path: str, table_id: str, freshness: Freshness) -> None:
    """Log and audit that a stale dataset was opened on purpose (counts only, no personal data)."""
    from optout.registry import audit, open_registry
    from optout.registry.lineage import find_dataset

    log.warning("opening stale dataset version %s on purpose (allow_stale): %s",
                freshness.version, "; ".join(freshness.reasons()))  # fmt: skip
    details = {"version": freshness.version, "watermark": freshness.watermark,
               "new_objections": freshness.new_objections,
               "bad_files": len(freshness.bad_files)}  # fmt: skip
    with open_registry() as registry, registry.session() as session:
        dataset = find_dataset(session, path, table_id)
        subject = f"dataset:{dataset.id}" if dataset else "dataset:unrecorded"
        audit.append(session, STALE_OVERRIDE_ACTION, subject, details)
