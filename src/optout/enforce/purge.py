"""``optout purge``: apply every objection new to a dataset, physically, in one Delta commit."""

from __future__ import annotations

import hashlib
import os
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from optout.enforce import affected, deltalog, ledger
from optout.enforce.coverage import Coverage, coverage_of
from optout.enforce.export_state import ExportState, read_export_state
from optout.enforce.rewrite import FileOutcome, Targets, rewrite_file
from optout.enforce.text import NameFinder, SurrogateUnlinker
from optout.errors import InputError
from optout.keys import Pseudonymizer
from optout.pipeline.manifest import MANIFEST_NAME, read_manifest, write_manifest
from optout.pipeline.media import MEDIA_DIR, referenced_media, sweep_media
from optout.pipeline.report import REPORT_NAME, write_report
from optout.pipeline.steps import DIGEST_MODULUS
from optout.registry.db import Registry
from optout.registry.objections import current_watermark, objections_new_since

PURGED_REASON = "purged"


@dataclass
class PurgeResult:
    """What ``optout purge --json`` prints: counts, never keys or personal data."""

    dataset: Path
    version: int
    watermark: int
    previous_watermark: int
    coverage: dict[str, int]
    rows_removed: int = 0
    rows_rewritten: int = 0
    files_rewritten: int = 0
    bytes_rewritten: int = 0
    bytes_total: int = 0
    files_deleted: int = 0
    log_files_deleted: int = 0
    media_deleted: int = 0
    seconds: float = 0.0
    outcomes: list[FileOutcome] = field(default_factory=list, repr=False)

    def as_dict(self) -> dict[str, Any]:
        return {
            "dataset": str(self.dataset), "version": self.version,
            "watermark": self.watermark, "previous_watermark": self.previous_watermark,
            "applied": self.coverage, "rows_removed": self.rows_removed,
            "rows_rewritten": self.rows_rewritten, "files_rewritten": self.files_rewritten,
            "bytes_rewritten": self.bytes_rewritten, "bytes_total": self.bytes_total,
            "files_deleted": self.files_deleted, "log_files_deleted": self.log_files_deleted,
            "media_deleted": self.media_deleted, "seconds": round(self.seconds, 3),
        }  # fmt: skip


def find_datasets(root: Path) -> list[Path]:
    """Every dataset under ``root``: each directory holding a manifest and a Delta table."""
    return sorted(
        path.parent
        for path in root.rglob(MANIFEST_NAME)
        if (path.parent / "data" / deltalog.LOG_DIR).is_dir()
    )


def purge_dataset(
    dataset_dir: Path,
    registry: Registry,
    pseudonymizer: Pseudonymizer,
    export_dir: Path | None = None,
    workers: int | None = None,
) -> PurgeResult:
    """Apply what is new to the dataset in ``dataset_dir`` and delete every older file."""
    started = time.perf_counter()
    manifest = _manifest(dataset_dir)
    data_dir = dataset_dir / "data"
    workers = workers or min(16, os.cpu_count() or 1)
    watermark, coverage, holdings = _what_is_new(dataset_dir, manifest, registry, pseudonymizer)
    state = read_export_state(export_dir, pseudonymizer) if export_dir else None
    files = deltalog.current_files(data_dir)
    _add_export_changes(coverage, state, data_dir, files)
    _resolve_emails(coverage, holdings, state)
    targets = make_targets(coverage, pseudonymizer)
    outcomes = rewrite_affected(data_dir, files, manifest["buckets"], targets, workers)
    changed = [o for o in outcomes if o.changed]
    version = manifest["version"]
    if changed:
        added = [o.new for o in changed if o.new is not None]
        version = deltalog.commit_replacement(data_dir, [o.path for o in changed], added, files)
    current = deltalog.current_files(data_dir)
    result = PurgeResult(dataset_dir, version, watermark, manifest["watermark"],
                         coverage.summary(), outcomes=changed)  # fmt: skip
    _count(result, changed, files, current)
    result.files_deleted = len(deltalog.delete_unreferenced(data_dir, current))
    result.log_files_deleted = deltalog.compact_log(data_dir)
    result.media_deleted = _delete_media(dataset_dir, current)
    manifest = update_manifest(manifest, result, changed, current, data_dir)
    _record(dataset_dir, manifest, registry, holdings, coverage, result)
    result.seconds = time.perf_counter() - started
    _notify(dataset_dir, result.as_dict())
    return result


def _manifest(dataset_dir: Path) -> dict[str, Any]:
    if not (dataset_dir / MANIFEST_NAME).is_file():
        raise InputError(f"{dataset_dir} is not a dataset (no {MANIFEST_NAME})")
    return read_manifest(dataset_dir)


def _what_is_new(
    dataset_dir: Path, manifest: dict[str, Any], registry: Registry, pseudonymizer: Pseudonymizer
) -> tuple[int, Coverage, ledger.Holdings]:
    """The registry's watermark now, what objections above the dataset's cover, its holdings."""
    with registry.read_session() as session:
        watermark = current_watermark(session)
        new = [o for o in objections_new_since(session, manifest["watermark"])
               if o.confirm_seq <= watermark]  # fmt: skip
        coverage = coverage_of(new, pseudonymizer)
        row = ledger.version_row(
            session, dataset_dir, manifest.get("table_id"), manifest["version"]
        )
        holdings = ledger.holdings_of(session, row)
        linked = ledger.authors_of_emails(session, holdings.version_id, coverage.email_keys)
    coverage.resolve_emails(linked)
    return max(watermark, manifest["watermark"]), coverage, holdings


def _add_export_changes(
    coverage: Coverage, state: ExportState | None, data_dir: Path, files: dict[str, int]
) -> None:
    """With an export: accounts and items gone or objecting since the build."""
    if state is None:
        return
    absent_authors, absent_items = affected.absent_from_export(data_dir, files, state)
    coverage.author_keys |= state.gone_authors | absent_authors
    coverage.content_keys |= state.gone_items | absent_items


def _resolve_emails(
    coverage: Coverage, holdings: ledger.Holdings, state: ExportState | None
) -> None:
    """Authors of objections made by email: the export links them, else the registry must."""
    unresolved = coverage.resolve_emails(state.authors_of_email if state else {})
    held = unresolved & holdings.emails if holdings.version_id is not None else unresolved
    if held:
        raise InputError(
            f"{len(held)} new objection(s) by email match accounts this dataset holds, but "
            "the registry does not link emails to authors: run purge with --export EXPORT_DIR"
        )


def make_targets(coverage: Coverage, pseudonymizer: Pseudonymizer) -> Targets:
    """The arrays and finders the file rewrites share (built once, not per file)."""
    return Targets(
        authors=pa.array(sorted(coverage.author_keys), pa.string()),
        items=pa.array(sorted(coverage.content_keys), pa.string()),
        unlink_keys=pa.array(sorted(coverage.person_keys), pa.string()),
        names=NameFinder(coverage.names, coverage.handles, pseudonymizer),
        unlinker=SurrogateUnlinker(coverage.person_keys, pseudonymizer),
    )


def rewrite_affected(
    data_dir: Path, files: dict[str, int], buckets: int, targets: Targets, workers: int
) -> list[FileOutcome]:
    """Rewrite every affected file, in parallel (pyarrow releases the GIL for I/O and zstd)."""
    paths = affected.affected_files(data_dir, files, buckets, targets, workers)
    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(
            lambda p: rewrite_file(data_dir, p, deltalog.bucket_of_path(p), targets), paths
        ))  # fmt: skip


def _count(
    result: PurgeResult, changed: list[FileOutcome], before: dict[str, int],
    after: dict[str, int],
) -> None:  # fmt: skip
    result.rows_removed = sum(o.rows_removed for o in changed)
    result.rows_rewritten = sum(o.rows_rewritten for o in changed)
    result.files_rewritten = len(changed)
    result.bytes_rewritten = sum(before[o.path] for o in changed)
    result.bytes_total = sum(before.values())


def _delete_media(dataset_dir: Path, current: dict[str, int]) -> int:
    """Delete every image under ``media/`` the current version does not use.

    Runs after the log is compacted, so the current version is the only one left: images
    of purged rows (and of rows whose images went with an unlinked person), of older
    versions and of killed builds are all deleted.
    """
    if not (dataset_dir / MEDIA_DIR).is_dir():
        return 0
    data_dir = dataset_dir / "data"
    tables = (pq.read_table(data_dir / path, columns=["media"]) for path in current)
    return sweep_media(dataset_dir, referenced_media(tables))


def update_manifest(
    manifest: dict[str, Any], result: PurgeResult, changed: list[FileOutcome],
    current: dict[str, int], data_dir: Path,
) -> dict[str, Any]:  # fmt: skip
    """The manifest after the purge: version, watermark, rows, counts, files, rows_hash."""
    manifest = dict(manifest)
    removed: Counter[str] = sum((o.removed_counts for o in changed), Counter())
    manifest["version"] = result.version
    manifest["watermark"] = result.watermark
    manifest["rows_out"] -= result.rows_removed
    excluded = dict(manifest.get("excluded", {}))
    excluded[PURGED_REASON] = excluded.get(PURGED_REASON, 0) + result.rows_removed
    manifest["excluded"] = excluded
    manifest["counts"] = _subtract_counts(manifest.get("counts", {}), removed)
    files = {p: f for p, f in manifest.get("files", {}).items() if p in current}
    for outcome in changed:
        if outcome.new is not None:
            new = outcome.new
            files[new.path] = {"sha256": new.sha256, "rows": new.rows, "bytes": new.size}
    manifest["files"] = dict(sorted(files.items()))
    if "rows_hash" in manifest:
        delta = sum(o.digest_delta for o in changed)
        manifest["rows_hash"] = f"{(int(manifest['rows_hash'], 16) + delta) % DIGEST_MODULUS:064x}"
    manifest.setdefault("purges", []).append(_purge_entry(result))
    return manifest


def _subtract_counts(counts: dict[str, Any], removed: Counter[str]) -> dict[str, Any]:
    updated = {group: dict(values) for group, values in counts.items()}
    for key, n in removed.items():
        group, value = key.split(":", 1)
        if group in updated and value in updated[group]:
            updated[group][value] = max(0, updated[group][value] - n)
    return updated


def _purge_entry(result: PurgeResult) -> dict[str, Any]:
    return {
        "at": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
        "from_watermark": result.previous_watermark, "watermark": result.watermark,
        "version": result.version, "rows_removed": result.rows_removed,
        "rows_rewritten": result.rows_rewritten, "files_rewritten": result.files_rewritten,
        "applied": result.coverage,
    }  # fmt: skip


def _record(
    dataset_dir: Path, manifest: dict[str, Any], registry: Registry, holdings: ledger.Holdings,
    coverage: Coverage, result: PurgeResult,
) -> None:  # fmt: skip
    """Write the manifest and report, then record the version, holdings and audit entry."""
    path = write_manifest(dataset_dir, manifest)
    if (dataset_dir / REPORT_NAME).is_file():
        write_report(dataset_dir, manifest)
    manifest_sha = hashlib.sha256(path.read_bytes()).hexdigest()
    details = {key: value for key, value in result.as_dict().items() if key != "dataset"}
    details["objection_ids"] = list(coverage.objection_ids)
    with registry.session() as session:
        ledger.record_purge(
            session, dataset_dir=dataset_dir, manifest=manifest, manifest_sha256=manifest_sha,
            previous=holdings, removed_authors=coverage.author_keys,
            removed_emails=coverage.email_keys, details=details,
        )  # fmt: skip


def _notify(dataset_dir: Path, summary: dict[str, Any]) -> None:
    """Tell webhooks, where the webhooks module exists (it is optional)."""
    try:
        from optout.enforce.webhooks import notify_purge
    except ImportError:
        return
    notify_purge(dataset_dir, summary)
