"""Lineage queries: which dataset versions held a person, which models they trained, and when."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from optout.registry.datasets import versions_holding
from optout.registry.models import (
    AuditEntry,
    Dataset,
    DatasetVersion,
    Objection,
    TrainedModel,
)

PURGED_ACTION = "dataset.purged"


@dataclass(frozen=True, slots=True)
class ModelRef:
    """A model trained on a dataset version."""

    name: str
    version: str
    recorded_at: datetime


@dataclass(slots=True)
class VersionLineage:
    """One dataset version and what it means for one person."""

    version_id: int
    version: int
    built_at: datetime
    watermark: int
    status: str
    holds: bool
    purged_at: datetime | None = None
    purges: list[tuple[datetime, int]] = field(default_factory=list)
    models: list[ModelRef] = field(default_factory=list)


@dataclass(slots=True)
class DatasetLineage:
    """One dataset that held the person at some version: its versions, oldest first."""

    dataset_id: int
    path: str
    table_id: str
    versions: list[VersionLineage]
    removed_at: datetime | None = None
    removed_in_version: int | None = None

    @property
    def held_now(self) -> bool:
        """True while the newest version still holds the person and was not purged of them."""
        return self.removed_at is None

    @property
    def models(self) -> list[ModelRef]:
        return [model for version in self.versions if version.holds for model in version.models]


def find_dataset_version(
    session: Session, path: str, table_id: str, version: int
) -> DatasetVersion | None:
    """The recorded version ``version`` of the Delta table ``table_id`` at ``path``."""
    query = (
        sa.select(DatasetVersion)
        .join(Dataset)
        .where(Dataset.path == path, Dataset.table_id == table_id)
        .where(DatasetVersion.version == version)
    )
    return session.execute(query).scalar_one_or_none()


def find_dataset(session: Session, path: str, table_id: str) -> Dataset | None:
    """The dataset whose Delta table ``table_id`` lives at ``path``."""
    query = sa.select(Dataset).where(Dataset.path == path, Dataset.table_id == table_id)
    return session.execute(query).scalar_one_or_none()


def new_objection_count(session: Session, watermark: int) -> int:
    """How many confirmed objections are new to a dataset with this watermark (index range)."""
    query = sa.select(sa.func.count()).where(
        Objection.confirm_seq > watermark, Objection.status == "confirmed"
    )
    return int(session.execute(query).scalar_one())


def holding_versions(
    session: Session, email_keys: Iterable[str], author_keys: Iterable[str]
) -> set[int]:
    """Ids of every dataset version holding any of these email or author pseudonyms."""
    held = set(versions_holding(session, "email", email_keys))
    return held | set(versions_holding(session, "author", author_keys))


def person_lineage(
    session: Session,
    email_keys: Iterable[str],
    author_keys: Iterable[str],
    confirm_seq: int | None = None,
) -> list[DatasetLineage]:
    """Every dataset that held the person, each with its versions, models and removal time.

    ``confirm_seq`` is the person's objection seq: a purge up to a watermark at or past it
    removed them from a version. Without it, any purge of a holding version counts.
    """
    held = holding_versions(session, email_keys, author_keys)
    if not held:
        return []
    dataset_ids = _dataset_ids(session, held)
    lineages = []
    for dataset in _datasets(session, dataset_ids):
        versions = _versions(session, dataset.id, held)
        lineage = DatasetLineage(dataset.id, dataset.path, dataset.table_id, versions)
        _fill_purge_times(session, lineage)
        _fill_removal(lineage, confirm_seq)
        lineages.append(lineage)
    _fill_models(session, lineages)
    return lineages


def _dataset_ids(session: Session, version_ids: set[int]) -> set[int]:
    query = sa.select(DatasetVersion.dataset_id).where(DatasetVersion.id.in_(version_ids))
    return set(session.execute(query).scalars())


def _datasets(session: Session, dataset_ids: set[int]) -> list[Dataset]:
    query = sa.select(Dataset).where(Dataset.id.in_(dataset_ids)).order_by(Dataset.id)
    return list(session.execute(query).scalars())


def _versions(session: Session, dataset_id: int, held: set[int]) -> list[VersionLineage]:
    query = (
        sa.select(DatasetVersion)
        .where(DatasetVersion.dataset_id == dataset_id)
        .order_by(DatasetVersion.version)
    )
    return [
        VersionLineage(
            row.id, row.version, row.built_at, row.watermark, row.status, row.id in held
        )
        for row in session.execute(query).scalars()
    ]


def _fill_purge_times(session: Session, lineage: DatasetLineage) -> None:
    """Each purged version's purges (time, watermark), from its ``dataset.purged`` entries."""
    if not any(version.status == "purged" for version in lineage.versions):
        return
    query = (
        sa.select(AuditEntry.ts, AuditEntry.details)
        .where(AuditEntry.action == PURGED_ACTION,
               AuditEntry.subject == f"dataset:{lineage.dataset_id}")
        .order_by(AuditEntry.seq)
    )  # fmt: skip
    entries = list(session.execute(query))
    for version in lineage.versions:
        version.purges = [
            (ts, int(details.get("watermark", 0)))
            for ts, details in entries
            if details.get("version") == version.version
        ]
        version.purged_at = version.purges[0][0] if version.purges else None


def _purge_time(version: VersionLineage, confirm_seq: int | None) -> datetime | None:
    """When a purge removed the person from this version (its watermark reached their seq)."""
    for ts, watermark in version.purges:
        if confirm_seq is None or watermark >= confirm_seq:
            return ts
    return None


def _fill_removal(lineage: DatasetLineage, confirm_seq: int | None) -> None:
    """When the person left the dataset: a purge of the newest holding version, or the first
    later version that does not hold them."""
    last = [version for version in lineage.versions if version.holds][-1]
    removed = _purge_time(last, confirm_seq)
    later = [version for version in lineage.versions if version.version > last.version]
    if removed is not None:
        lineage.removed_at, lineage.removed_in_version = removed, last.version
    elif later:
        lineage.removed_at, lineage.removed_in_version = later[0].built_at, later[0].version


def _fill_models(session: Session, lineages: list[DatasetLineage]) -> None:
    by_id = {v.version_id: v for lineage in lineages for v in lineage.versions}
    query = (
        sa.select(TrainedModel)
        .where(TrainedModel.dataset_version_id.in_(list(by_id)))
        .order_by(TrainedModel.recorded_at, TrainedModel.id)
    )
    for model in session.execute(query).scalars():
        ref = ModelRef(model.name, model.version, model.recorded_at)
        by_id[model.dataset_version_id].models.append(ref)
