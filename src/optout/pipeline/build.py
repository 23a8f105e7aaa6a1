"""``optout build``: export + registry + policy → a new, versioned, anonymized dataset."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import pyarrow as pa
import pyarrow.compute as pc

import optout
from optout.corpus.reader import ExportReader
from optout.corpus.schema import ACCOUNTS_SCHEMA
from optout.errors import InputError
from optout.keys import Pseudonymizer
from optout.pipeline.engine import LocalEngine, fewer_collections
from optout.pipeline.facts import (
    AccountFacts,
    ObjectorSet,
    build_account_facts,
    notice_cutoff,
    notified_accounts,
)
from optout.pipeline.manifest import FORMAT, input_checksums, write_manifest
from optout.pipeline.media import (
    DROP_REASONS,
    MEDIA_DIR,
    ApplyMediaPlan,
    MediaPlanner,
    referenced_media,
    save_cache,
    sweep_media,
)
from optout.pipeline.readahead import ReadAhead
from optout.pipeline.report import write_report
from optout.pipeline.steps import (
    DIGEST_MODULUS,
    MENTIONS_OBJECTOR,
    POLICY_REASONS,
    ApplyPolicy,
    AttachAccountFacts,
    GuessLanguage,
    RedactText,
    ShapeOutput,
    Step,
    StepResult,
    run_steps,
)
from optout.pipeline.writer import (
    BucketedWriter,
    DataFile,
    bucket_count,
    commit_snapshot,
    remove_orphan_files,
    table_id,
)
from optout.policy import PII_TYPES, Policy
from optout.redact import PeopleDirectory, RedactionConfig, Redactor
from optout.registry import datasets as registry_datasets
from optout.registry import notices as registry_notices
from optout.registry.db import Registry
from optout.registry.objections import confirmed_snapshot

ESTIMATED_BYTES_PER_ROW = 400
MEDIA_SUMMARY = ("files", "processed", "reused", "faces_blurred", "dropped")
ProgressCallback = Callable[[int], None]
T = TypeVar("T")


@dataclass(frozen=True)
class BuildRequest:
    """What to build: from which export, under which policy, into which directory."""

    export_dir: Path
    out_dir: Path
    policy: Policy
    as_of: datetime | None = None
    skip_invalid: bool = False
    workers: int | None = None
    buckets: int | None = None


@dataclass
class BuildTotals:
    """Counts merged from every batch's step results."""

    excluded: Counter[str] = field(default_factory=Counter)
    counters: Counter[str] = field(default_factory=Counter)
    rows_read: int = 0
    rows_out: int = 0
    author_keys: set[str] = field(default_factory=set)
    media: set[str] = field(default_factory=set)

    def count(self, result: StepResult) -> None:
        """Merge what a result excluded and counted (its rows go on to further steps)."""
        self.excluded += result.excluded
        self.counters += result.counters

    def add(self, result: StepResult) -> None:
        """Merge a final result: its counts, and its rows as output."""
        self.count(result)
        self.rows_out += result.batch.num_rows
        self.author_keys.update(pc.unique(result.batch.column("author_key")).to_pylist())
        self.media |= referenced_media([result.batch])

    def grouped(self, prefix: str) -> dict[str, int]:
        return {
            key.split(":", 1)[1]: n
            for key, n in sorted(self.counters.items())
            if key.startswith(prefix + ":")
        }


@dataclass(frozen=True)
class BuildResult:
    """What ``optout build --json`` prints (interfaces §5), plus where things are."""

    manifest: dict[str, Any]
    dataset: Path
    warnings: list[str]

    def as_dict(self) -> dict[str, Any]:
        m = self.manifest
        return {
            "dataset": str(self.dataset),
            "version": m["version"],
            "rows_in": m["rows_in"],
            "rows_out": m["rows_out"],
            "excluded": m["excluded"],
            "redactions": m["redactions"],
            "watermark": m["watermark"],
            "rows_hash": m["rows_hash"],
            "media": {key: m["media"][key] for key in MEDIA_SUMMARY if key in m.get("media", {})},
            "report": str(self.dataset / "report.html"),
            "warnings": self.warnings,
        }


def resolve_as_of(as_of: datetime | None, now: datetime | None = None) -> datetime:
    """The as-of time: given (never in the future) or now, in UTC."""
    now = now or datetime.now(UTC)
    if as_of is None:
        return now
    if as_of.tzinfo is None:
        raise InputError("--as-of needs a time zone (e.g. 2026-06-01T00:00:00Z)")
    if as_of > now:
        raise InputError("--as-of is in the future; a build can only be judged at now or before")
    return as_of.astimezone(UTC)


def build_dataset(
    request: BuildRequest,
    registry: Registry,
    secret: bytes,
    on_rows: ProgressCallback | None = None,
) -> BuildResult:
    """Build the next version of the dataset in ``request.out_dir``."""
    with fewer_collections():
        return _build(request, registry, secret, on_rows)


def _build(
    request: BuildRequest,
    registry: Registry,
    secret: bytes,
    on_rows: ProgressCallback | None,
) -> BuildResult:
    as_of = resolve_as_of(request.as_of)
    policy = request.policy
    inputs = _in_background(input_checksums, request.export_dir)  # hashed meanwhile
    pseudonymizer = Pseudonymizer(secret)
    reader = ExportReader(request.export_dir, skip_invalid=request.skip_invalid)
    accounts = pa.Table.from_batches(list(reader.accounts()), schema=ACCOUNTS_SCHEMA)
    notified = notified_accounts(reader.notices(), notice_cutoff(policy, as_of))
    # the content is read and checked from now on, while the steps are prepared
    with ReadAhead(reader.content(), name="export-reader") as content:
        objectors = load_objectors(registry)
        notified |= load_notified(registry, notice_cutoff(policy, as_of))
        buckets = request.buckets or bucket_count(_estimated_rows(request.export_dir))
        facts = build_account_facts(accounts, objectors, notified, policy, pseudonymizer, buckets)
        selection, steps = build_steps(
            policy, as_of, accounts, facts, objectors, pseudonymizer, buckets
        )
        engine = LocalEngine(request.workers)
        planner = media_planner(request, steps, engine.workers)
        data_dir = request.out_dir / "data"
        remove_orphan_files(data_dir)
        writer = BucketedWriter(data_dir, buckets)
        totals = BuildTotals()
        try:
            selected = _selected(_counted(content, totals, on_rows), selection, totals)
            for result in engine.run(steps, planner.annotate(selected)):
                writer.write(result.batch)
                totals.add(result)
            _raise_on_invalid(reader, request.skip_invalid)
            files = writer.close()
        except BaseException:
            writer.abort()  # images written so far are orphans: the next build or purge removes
            raise
        finally:
            planner.close()
    version = commit_snapshot(data_dir, files.values())
    totals.counters += planner.counters
    media = finish_media(request.out_dir, planner, totals)

    invalid = reader.invalid.get("content", 0) if request.skip_invalid else 0
    manifest = make_manifest(
        inputs.result(), policy, as_of, objectors.watermark, version, buckets, files, totals,
        invalid,
    )
    manifest["media"] = media
    manifest["steps"] = step_summary(selection + steps, totals)
    manifest["table_id"] = table_id(data_dir)
    manifest_path = write_manifest(request.out_dir, manifest)
    write_report(request.out_dir, manifest)
    _record_version(registry, request.out_dir, manifest, manifest_path, facts, totals)
    return BuildResult(manifest, request.out_dir, warnings=_policy_warnings(policy, facts))


def build_steps(
    policy: Policy,
    as_of: datetime,
    accounts: pa.Table,
    facts: AccountFacts,
    objectors: ObjectorSet,
    pseudonymizer: Pseudonymizer,
    buckets: int,
) -> tuple[list[Step], list[Step]]:
    """The build's steps, in order, each a pure function over a record batch: the selection
    (cheap columnar steps that decide which rows the dataset uses, run where the batches
    are read) and the transformation of the selected rows (run by the engine's workers)."""
    keep = policy.redaction.third_party_mentions == "keep"
    objector_ids = frozenset() if keep else facts.objector_ids
    directory = PeopleDirectory.build(
        accounts.select(["account_id", "username", "display_name", "country"]),
        objector_account_ids=set(objector_ids),
        objector_names=() if keep else sorted(objectors.names),
        objector_handles=() if keep else sorted(objectors.handles),
        pseudonymizer=pseudonymizer,
    )
    config = RedactionConfig(
        pii=frozenset(policy.redaction.pii),
        pseudonymize_people=policy.redaction.pseudonymize_people,
    )
    selection: list[Step] = [AttachAccountFacts(facts.table), ApplyPolicy(policy, as_of)]
    return selection, [
        GuessLanguage(),
        RedactText(
            Redactor(directory, config, pseudonymizer),
            objector_ids,
            pseudonymizer,
            drop_mentions=policy.redaction.third_party_mentions == "drop",
        ),
        ApplyMediaPlan(),
        ShapeOutput(pseudonymizer, buckets),
    ]


def _selected(
    batches: Iterable[pa.RecordBatch], selection: list[Step], totals: BuildTotals
) -> Iterator[pa.RecordBatch]:
    """The rows of each batch the selection keeps, with their authors' facts attached: only
    these are planned (images) and handed to the workers."""
    for batch in batches:
        result = run_steps(selection, batch)
        totals.count(result)
        if result.batch.num_rows:
            yield result.batch


def media_planner(request: BuildRequest, steps: list[Step], workers: int) -> MediaPlanner:
    """The planner that processes, once per build, the images of the selected rows.

    It reuses the build's own redactor (from ``steps``) to find who alt texts name;
    objectors' tags are never resolved to images.
    """
    redact = _step(steps, RedactText)
    return MediaPlanner(
        request.export_dir,
        request.out_dir,
        redact.redactor,
        redact.objector_ids,
        workers=workers,
    )


def finish_media(out_dir: Path, planner: MediaPlanner, totals: BuildTotals) -> dict[str, Any]:
    """After the commit: delete images the new version does not use; the manifest's counts."""
    media_dir = out_dir / MEDIA_DIR
    if planner.used_entries() or media_dir.is_dir():
        save_cache(media_dir, planner.used_entries())
    deleted = sweep_media(out_dir, totals.media)
    counters = totals.counters
    inputs = "\n".join(sorted(planner.used_entries()))
    return {
        "inputs_sha256": hashlib.sha256(inputs.encode()).hexdigest(),
        "files": len(totals.media),
        "bytes": sum((out_dir / path).stat().st_size for path in totals.media),
        "references": int(counters.get("media:kept", 0)),
        "images_read": int(counters.get("media:images", 0)),
        "processed": int(counters.get("media:processed", 0)),
        "reused": int(counters.get("media:reused", 0)),
        "unreadable": int(counters.get("media:unreadable", 0)),
        "faces_blurred": int(counters.get("media:faces_blurred", 0)),
        "dropped": {
            reason: int(counters.get(f"media_dropped:{reason}", 0))
            for reason in (*DROP_REASONS, "unplanned")
        },
        "deleted": deleted,
        "seconds": round(planner.seconds, 3),
        "image_seconds": round(planner.image_seconds, 3),
    }


def _step(steps: list[Step], kind: type) -> Any:
    found = [step for step in steps if isinstance(step, kind)]
    if len(found) != 1:
        raise RuntimeError(f"the build's steps hold {len(found)} {kind.__name__} steps, not one")
    return found[0]


def load_objectors(registry: Registry) -> ObjectorSet:
    """Every objection confirmed in the registry now, and the watermark that covers them."""
    with registry.read_session() as session:
        snapshot = confirmed_snapshot(session)
        objections = snapshot.objections
        return ObjectorSet(
            emails=frozenset(o.email_normalized for o in objections if o.email_normalized),
            account_ids=frozenset(o.account_id for o in objections if o.account_id),
            names=frozenset(name for o in objections for name in o.names),
            handles=frozenset(handle for o in objections for handle in o.handles),
            watermark=snapshot.watermark,
        )


def load_notified(registry: Registry, cutoff: datetime) -> set[str]:
    with registry.read_session() as session:
        return set(registry_notices.notified_accounts(session, before=cutoff))


def make_manifest(
    inputs: dict[str, dict[str, Any]],
    policy: Policy,
    as_of: datetime,
    watermark: int,
    version: int,
    buckets: int,
    files: dict[str, DataFile],
    totals: BuildTotals,
    invalid: int,
) -> dict[str, Any]:
    """The manifest of interfaces §4."""
    excluded = {reason: 0 for reason in ("invalid", *POLICY_REASONS)}
    if policy.redaction.third_party_mentions == "drop":
        excluded[MENTIONS_OBJECTOR] = 0
    excluded.update(totals.excluded)
    excluded["invalid"] = invalid
    rows_in = totals.rows_read + invalid
    if rows_in != totals.rows_out + sum(excluded.values()):
        raise RuntimeError("rows_in != rows_out + sum(excluded): a step lost count of rows")
    redactions = dict.fromkeys(("person", "handle", *PII_TYPES), 0)
    redactions.update(totals.grouped("redacted"))
    return {
        "format": FORMAT,
        "version": version,
        "built_at": _iso(datetime.now(UTC)),
        "as_of": _iso(as_of),
        "watermark": watermark,
        "code_version": optout.__version__,
        "inputs": inputs,
        "policy": policy.as_dict(),
        "policy_sha256": policy.sha256,
        "rows_in": rows_in,
        "rows_out": totals.rows_out,
        "excluded": excluded,
        "redactions": redactions,
        "counts": {
            "kind": totals.grouped("kind"),
            "lang": totals.grouped("lang"),
            "country": totals.grouped("country"),
        },
        "buckets": buckets,
        "files": {
            path: {"sha256": f.sha256, "rows": f.rows, "bytes": f.size}
            for path, f in sorted(files.items())
        },
        "rows_hash": f"{totals.counters['rows_digest'] % DIGEST_MODULUS:064x}",
    }


def step_summary(steps: list[Step], totals: BuildTotals) -> list[dict[str, Any]]:
    """Rows in and out and CPU seconds of each step, summed over every batch."""
    return [
        {
            "name": step.name,
            "rows_in": int(totals.counters.get(f"step_rows_in:{step.name}", 0)),
            "rows_out": int(totals.counters.get(f"step_rows_out:{step.name}", 0)),
            "seconds": round(totals.counters.get(f"step_seconds:{step.name}", 0.0), 3),
        }
        for step in steps
    ]


def _record_version(
    registry: Registry,
    out_dir: Path,
    manifest: dict[str, Any],
    manifest_path: Path,
    facts: AccountFacts,
    totals: BuildTotals,
) -> None:
    held = facts.table.filter(
        pc.is_in(facts.table.column("a_author_key"), pa.array(sorted(totals.author_keys)))
    )
    pairs = [
        (email, author)
        for email, author in zip(
            held.column("a_email_key").to_pylist(), held.column("a_author_key").to_pylist(),
            strict=True,
        )
        if email
    ]
    manifest_sha = hashlib.sha256(manifest_path.read_bytes()).hexdigest()
    with registry.session() as session:
        version = registry_datasets.record_dataset_version(
            session,
            path=str(out_dir.resolve()),
            table_id=manifest["table_id"],
            version=manifest["version"],
            as_of=datetime.fromisoformat(manifest["as_of"]),
            watermark=manifest["watermark"],
            rows_out=manifest["rows_out"],
            manifest_sha256=manifest_sha,
        )
        email_keys = {email for email, _ in pairs}
        registry_datasets.record_holdings(session, version.id, totals.author_keys, email_keys)
        registry_datasets.record_email_authors(session, version.id, pairs)


def _policy_warnings(policy: Policy, facts: AccountFacts) -> list[str]:
    if policy.redaction.third_party_mentions != "keep" or not facts.objector_ids:
        return []
    return [
        f'third_party_mentions = "keep": mentions of {len(facts.objector_ids)} objecting '
        "accounts stay linkable in others' content; this dataset will fail `optout verify`"
    ]


def _raise_on_invalid(reader: ExportReader, skip_invalid: bool) -> None:
    if reader.errors and not skip_invalid:
        raise InputError(
            f"the export has {sum(reader.invalid.values())} invalid rows "
            "(use --skip-invalid to leave them out)",
            reader.errors,
        )


def _counted(
    batches: Iterable[pa.RecordBatch], totals: BuildTotals, on_rows: ProgressCallback | None
) -> Iterator[pa.RecordBatch]:
    for batch in batches:
        totals.rows_read += batch.num_rows
        if on_rows is not None:
            on_rows(batch.num_rows)
        yield batch


def _estimated_rows(export_dir: Path) -> int:
    sizes = [p.stat().st_size for p in export_dir.glob("content.*") if p.is_file()]
    return sum(sizes) // ESTIMATED_BYTES_PER_ROW


def _in_background(function: Callable[..., T], *args: Any) -> Future[T]:
    """``function(*args)`` started on a thread of its own; its future."""
    executor = ThreadPoolExecutor(max_workers=1)
    try:
        return executor.submit(function, *args)
    finally:
        executor.shutdown(wait=False)  # the thread ends when the call does


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
