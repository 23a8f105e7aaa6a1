"""``optout verify``: check a dataset against the registry as it is now."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from optout.enforce import deltalog, ledger
from optout.enforce.coverage import Coverage, coverage_of
from optout.enforce.scan import RowScanner, raw_text_hits
from optout.enforce.text import NameFinder, PiiScanner
from optout.keys import Pseudonymizer
from optout.pipeline.manifest import MANIFEST_NAME, read_manifest
from optout.pipeline.media import CACHE_NAME, MEDIA_DIR, media_path
from optout.pipeline.writer import sha256_file
from optout.registry.db import Registry
from optout.registry.objections import confirmed_objections, objections_new_since

MAX_LOCATIONS = 200
#: What EXIF (APP1 "Exif"), XMP and ICC profiles leave in a JPEG's bytes.
METADATA_MARKERS = (b"Exif\x00", b"http://ns.adobe.com/xap", b"ICC_PROFILE")


@dataclass(frozen=True)
class Location:
    """Where a problem is: a check, a file under the dataset and a row (never a value)."""

    check: str
    file: str | None = None
    row: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"check": self.check, "file": self.file, "row": self.row}


@dataclass
class VerifyReport:
    """Counts of problems by check, and their first locations."""

    checks: Counter[str] = field(default_factory=Counter)
    locations: list[Location] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)

    def add(self, check: str, count: int = 1, file: str | None = None,
            rows: Iterable[int] = ()) -> None:  # fmt: skip
        if count <= 0:
            return
        self.checks[check] += count
        rows = list(rows)[:MAX_LOCATIONS] or [None]
        for row in rows:
            if len(self.locations) < MAX_LOCATIONS:
                self.locations.append(Location(check, file, row))

    @property
    def ok(self) -> bool:
        return not self.checks

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "violations": sum(self.checks.values()),
            "checks": dict(sorted(self.checks.items())),
            "locations": [loc.as_dict() for loc in self.locations],
            **self.facts,
        }


def verify_dataset(
    dataset_dir: Path, registry: Registry, pseudonymizer: Pseudonymizer, full: bool = False
) -> VerifyReport:
    """Every check of interfaces §5 on ``dataset_dir``; ``full`` scans every file on disk."""
    report = VerifyReport()
    if not (dataset_dir / MANIFEST_NAME).is_file():
        report.add("no_manifest", file=MANIFEST_NAME)
        return report
    manifest = read_manifest(dataset_dir)
    coverage, new = _registry_state(dataset_dir, manifest, registry, pseudonymizer, report)
    report.add("new_objections", new)
    if manifest.get("policy", {}).get("redaction", {}).get("third_party_mentions") == "keep":
        report.add("policy_keeps_objector_mentions", file=MANIFEST_NAME)
    data_dir = dataset_dir / "data"
    current = _check_checksums(dataset_dir, manifest, report)
    names = NameFinder(coverage.names, coverage.handles, pseudonymizer)
    scanner = RowScanner(coverage, names, PiiScanner())
    images: dict[str, set[str]] = {}
    for path in sorted(current):
        table = _decoded(data_dir / path, f"data/{path}", report)
        if table is not None:
            _scan_table(scanner, table, f"data/{path}", report, pii=True)
            _collect_media(table, images)
    _check_media(dataset_dir, images, report)
    if full:
        _scan_everything(dataset_dir, {f"data/{p}" for p in current}, scanner, report)
    return report


def _registry_state(
    dataset_dir: Path, manifest: dict[str, Any], registry: Registry,
    pseudonymizer: Pseudonymizer, report: VerifyReport,
) -> tuple[Coverage, int]:  # fmt: skip
    """What every confirmed objection covers, and how many are new to the dataset."""
    watermark = int(manifest.get("watermark", 0))
    with registry.read_session() as session:
        coverage = coverage_of(confirmed_objections(session), pseudonymizer)
        new = len(objections_new_since(session, watermark))
        row = ledger.version_row(
            session, dataset_dir, manifest.get("table_id"), manifest.get("version", -1)
        )
        holdings = ledger.holdings_of(session, row)
        coverage.resolve_emails(
            ledger.authors_of_emails(session, holdings.version_id, coverage.email_keys)
        )
    held = coverage.email_keys & holdings.emails
    report.add("covered_emails_held", len(held), file=MANIFEST_NAME)
    report.add("covered_authors_held", len(coverage.author_keys & holdings.authors),
               file=MANIFEST_NAME)  # fmt: skip
    report.facts.update(watermark=watermark, recorded=row is not None)
    return coverage, new


def _check_checksums(
    dataset_dir: Path, manifest: dict[str, Any], report: VerifyReport
) -> dict[str, int]:
    """Every current data file as the manifest records it; returns the current files."""
    data_dir = dataset_dir / "data"
    try:
        current = deltalog.current_files(data_dir)
    except Exception:  # a table that does not open is itself the finding
        report.add("table_unreadable", file="data")
        return {}
    recorded = manifest.get("files", {})
    for path in sorted(set(recorded) - set(current)):
        report.add("manifest_file_not_in_table", file=f"data/{path}")
    for path in sorted(current):
        entry = recorded.get(path)
        if entry is None:
            report.add("table_file_not_in_manifest", file=f"data/{path}")
        elif not (data_dir / path).is_file():
            report.add("file_missing", file=f"data/{path}")
        elif sha256_file(data_dir / path) != entry.get("sha256"):
            report.add("checksum_mismatch", file=f"data/{path}")
    report.facts["files"] = len(current)
    return {p: s for p, s in current.items() if (data_dir / p).is_file()}


def _scan_table(
    scanner: RowScanner, table: pa.Table, name: str, report: VerifyReport, pii: bool
) -> None:
    for check, rows in scanner.scan(table, pii=pii).items():
        report.add(check, len(rows), file=name, rows=rows)
    report.facts["rows_scanned"] = report.facts.get("rows_scanned", 0) + table.num_rows


def _collect_media(table: pa.Table, images: dict[str, set[str]]) -> None:
    """Add each (path, sha256) the rows of ``table`` reference to ``images``."""
    if "media" not in table.column_names:
        return
    flat = pc.list_flatten(table.column("media"))
    if len(flat) == 0:
        return
    pairs = pa.table(
        {"path": pc.struct_field(flat, "path"), "sha": pc.struct_field(flat, "sha256")}
    )
    for row in pairs.group_by(["path", "sha"]).aggregate([]).to_pylist():
        images.setdefault(row["path"], set()).add(row["sha"])


def _check_media(dataset_dir: Path, images: dict[str, set[str]], report: VerifyReport) -> None:
    """Every referenced image is there, named by and matching its SHA-256, without metadata;
    and no image lingers that the dataset does not reference."""
    root = dataset_dir.resolve()
    for path, shas in sorted(images.items()):
        sha = next(iter(shas))
        target = (dataset_dir / path).resolve() if path else root
        if len(shas) > 1 or path != media_path(sha) or not target.is_relative_to(root):
            report.add("media_bad_path", file=path)
        elif not target.is_file():
            report.add("media_missing", file=path)
        else:
            data = target.read_bytes()
            if hashlib.sha256(data).hexdigest() != sha:
                report.add("media_checksum_mismatch", file=path)
            if any(marker in data for marker in METADATA_MARKERS):
                report.add("media_metadata", file=path)
    media_dir = dataset_dir / MEDIA_DIR
    on_disk = sorted(p for p in media_dir.iterdir() if p.name != CACHE_NAME) if (
        media_dir.is_dir()
    ) else []  # fmt: skip
    for file in on_disk:
        if f"{MEDIA_DIR}/{file.name}" not in images:
            report.add("media_unreferenced", file=f"{MEDIA_DIR}/{file.name}")
    report.facts["media_files"] = len(images)


def _scan_everything(
    dataset_dir: Path, done: set[str], scanner: RowScanner, report: VerifyReport
) -> None:
    """``--full``: every file under the dataset, data files of any version, log, media."""
    scanned = 0
    for path in sorted(p for p in dataset_dir.rglob("*") if p.is_file()):
        name = path.relative_to(dataset_dir).as_posix()
        scanned += 1
        if path.suffix == ".parquet" and name not in done:
            table = _decoded(path, name, report)
            if table is not None and "author_key" in table.column_names:
                _scan_table(scanner, table, name, report, pii=False)
        for check, count in raw_text_hits(path, scanner).items():
            report.add(check, count, file=name)
    report.facts["files_scanned"] = scanned


def _decoded(path: Path, name: str, report: VerifyReport) -> pa.Table | None:
    try:
        return pq.read_table(path)
    except Exception:  # unreadable Parquet is reported, not trusted
        report.add("parquet_unreadable", file=name)
        return None
