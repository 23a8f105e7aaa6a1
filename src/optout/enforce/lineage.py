"""Lineage: record the models trained on a dataset, and tell where a person's data went."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from optout.errors import InputError
from optout.keys import Pseudonymizer
from optout.pipeline.manifest import MANIFEST_NAME, read_manifest
from optout.registry import Registry, find_objection, record_model
from optout.registry.lineage import (
    DatasetLineage,
    ModelRef,
    VersionLineage,
    find_dataset_version,
    person_lineage,
)
from optout.registry.models import DatasetVersion, Objection


def dataset_identity(dataset_dir: Path) -> tuple[str, str, int, dict[str, Any]]:
    """The registry's identity of a dataset's current version: path, table id, version."""
    if not (dataset_dir / MANIFEST_NAME).is_file():
        raise InputError(f"{dataset_dir} is not a dataset: it has no {MANIFEST_NAME}")
    manifest = read_manifest(dataset_dir)
    if "table_id" not in manifest or "version" not in manifest:
        raise InputError(f"{dataset_dir / MANIFEST_NAME}: no table_id or version")
    return str(dataset_dir.resolve()), manifest["table_id"], int(manifest["version"]), manifest


def current_version(session: Session, dataset_dir: Path) -> DatasetVersion:
    """The registry row of the dataset's current version (InputError if it was never recorded)."""
    path, table_id, version, _ = dataset_identity(dataset_dir)
    row = find_dataset_version(session, path, table_id, version)
    if row is None:
        raise InputError(f"version {version} of {dataset_dir} is not in the registry")
    return row


def record_model_on(
    registry: Registry, dataset_dir: Path, *, name: str, version: str
) -> dict[str, Any]:
    """Record model ``name`` ``version`` as trained on the dataset's current version."""
    try:
        with registry.session() as session:
            dataset_version = current_version(session, dataset_dir)
            model = record_model(session, name=name, version=version,
                                 dataset_version_id=dataset_version.id)  # fmt: skip
            payload = {"model_id": model.id, "name": name, "version": version,
                       "dataset": str(dataset_dir.resolve()),
                       "dataset_version": dataset_version.version}  # fmt: skip
    except sa.exc.IntegrityError as exc:
        raise InputError(f"model {name} {version} is already recorded") from exc
    return payload


def person_keys(
    pseudonymizer: Pseudonymizer, email: str | None, objection: Objection | None
) -> tuple[set[str], set[str]]:
    """The email and author pseudonyms to look a person up by (the email, and the account
    their objection names)."""
    emails = {pseudonymizer.email(email)} if email else set()
    account_id = objection.account_id if objection is not None else None
    authors = {pseudonymizer.author(account_id)} if account_id else set()
    return emails, authors


def lookup_person(
    session: Session, pseudonymizer: Pseudonymizer, email: str | None,
    objection: Objection | None,
) -> list[DatasetLineage]:  # fmt: skip
    """Every dataset that held this person, with models and removal times."""
    emails, authors = person_keys(pseudonymizer, email, objection)
    seq = objection.confirm_seq if objection and objection.status == "confirmed" else None
    return person_lineage(session, emails, authors, seq)


def lookup_email(registry: Registry, email: str) -> dict[str, Any]:
    """The operator's lookup by email: objection (if any) and the lineage, as JSON-ready data."""
    with registry.read_session() as session:
        objection = find_objection(session, email=email)
        lineages = lookup_person(session, registry.pseudonymizer, email, objection)
        summary = _objection_summary(objection)
    payload = lineage_payload(lineages)
    payload["email_key"] = registry.pseudonymizer.email(email)
    payload["objection"] = summary
    return payload


def lineage_payload(lineages: list[DatasetLineage]) -> dict[str, Any]:
    """The lineage as JSON-ready data (pseudonyms, paths, versions, times; no personal data)."""
    datasets = [_dataset_payload(lineage) for lineage in lineages]
    return {
        "held_now": any(lineage.held_now for lineage in lineages),
        "datasets": datasets,
        "models": [model for dataset in datasets for model in dataset["models"]],
    }


def _dataset_payload(lineage: DatasetLineage) -> dict[str, Any]:
    return {
        "path": lineage.path,
        "table_id": lineage.table_id,
        "held_now": lineage.held_now,
        "removed_at": _iso(lineage.removed_at),
        "removed_in_version": lineage.removed_in_version,
        "versions_holding": [v.version for v in lineage.versions if v.holds],
        "versions": [_version_payload(v) for v in lineage.versions],
        "models": [
            {**_model(m), "dataset_version": v.version}
            for v in lineage.versions
            if v.holds
            for m in v.models
        ],
    }


def _version_payload(version: VersionLineage) -> dict[str, Any]:
    return {
        "version": version.version,
        "built_at": _iso(version.built_at),
        "watermark": version.watermark,
        "status": version.status,
        "holds": version.holds,
        "purged_at": _iso(version.purged_at),
        "models": [_model(m) for m in version.models],
    }


def _model(model: ModelRef) -> dict[str, Any]:
    return {"name": model.name, "version": model.version, "recorded_at": _iso(model.recorded_at)}


def _objection_summary(objection: Objection | None) -> dict[str, Any] | None:
    if objection is None:
        return None
    return {"id": objection.id, "status": objection.status,
            "confirm_seq": objection.confirm_seq,
            "confirmed_at": _iso(objection.confirmed_at)}  # fmt: skip


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z") if value else None
