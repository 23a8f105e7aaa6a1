"""Dataset versions, the pseudonyms each holds, and models trained on them."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from itertools import islice
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from optout.registry import audit
from optout.registry.bulk import bulk_insert
from optout.registry.models import (
    Dataset,
    DatasetEmailAuthor,
    DatasetHolding,
    DatasetVersion,
    TrainedModel,
)
from optout.registry.objections import lock_registry

HOLDINGS_CHUNK = 10_000


def get_or_create_dataset(
    session: Session, path: str, table_id: str, now: datetime | None = None
) -> Dataset:
    """The dataset whose Delta table ``table_id`` lives at ``path``, created on first use."""
    query = sa.select(Dataset).where(Dataset.path == path, Dataset.table_id == table_id)
    dataset = session.execute(query).scalar_one_or_none()
    if dataset is None:
        dataset = Dataset(path=path, table_id=table_id, created_at=now or datetime.now(UTC))
        session.add(dataset)
        session.flush()
    return dataset


def record_dataset_version(
    session: Session,
    *,
    path: str,
    table_id: str,
    version: int,
    as_of: datetime,
    watermark: int,
    rows_out: int,
    manifest_sha256: str,
    built_at: datetime | None = None,
) -> DatasetVersion:
    """Record a built Delta version of the dataset at ``path`` (and audit it)."""
    lock_registry(session)
    built_at = built_at or datetime.now(UTC)
    dataset = get_or_create_dataset(session, path, table_id, built_at)
    row = DatasetVersion(
        dataset_id=dataset.id, version=version, built_at=built_at, as_of=as_of,
        watermark=watermark, rows_out=rows_out, manifest_sha256=manifest_sha256, status="built",
    )  # fmt: skip
    session.add(row)
    session.flush()
    details = {"version": version, "watermark": watermark, "rows_out": rows_out,
               "manifest_sha256": manifest_sha256}  # fmt: skip
    audit.append(session, "dataset.built", f"dataset:{dataset.id}", details)
    return row


def record_holdings(
    session: Session, version_id: int, author_keys: Iterable[str], email_keys: Iterable[str]
) -> int:
    """Record the author and email pseudonyms a version holds (bulk); returns rows written."""
    written = 0
    for kind, keys in (("author", author_keys), ("email", email_keys)):
        unique = iter(sorted(set(keys)))
        while chunk := list(islice(unique, HOLDINGS_CHUNK)):
            rows = [{"version_id": version_id, "kind": kind, "key": key} for key in chunk]
            bulk_insert(session, DatasetHolding.__table__, rows)
            written += len(rows)
    return written


def record_email_authors(
    session: Session, version_id: int, pairs: Iterable[tuple[str, str]]
) -> int:
    """Record which author each held email pseudonym belongs to (bulk); returns rows written."""
    written = 0
    unique = iter(sorted(set(pairs)))
    while chunk := list(islice(unique, HOLDINGS_CHUNK)):
        rows = [
            {"version_id": version_id, "email_key": email, "author_key": author}
            for email, author in chunk
        ]
        bulk_insert(session, DatasetEmailAuthor.__table__, rows)
        written += len(rows)
    return written


def authors_of_emails(
    session: Session, version_id: int, email_keys: Iterable[str]
) -> dict[str, set[str]]:
    """The author pseudonyms behind each of ``email_keys`` in one dataset version."""
    return _grouped_by_chunk(session, email_keys, lambda chunk: sa.select(
        DatasetEmailAuthor.email_key, DatasetEmailAuthor.author_key
    ).where(DatasetEmailAuthor.version_id == version_id, DatasetEmailAuthor.email_key.in_(chunk)))


def authors_of_emails_in_dataset(
    session: Session, path: str, table_id: str, email_keys: Iterable[str]
) -> dict[str, set[str]]:
    """The author pseudonyms behind email pseudonyms in any recorded version of a dataset."""
    return _grouped_by_chunk(session, email_keys, lambda chunk: (
        sa.select(DatasetEmailAuthor.email_key, DatasetEmailAuthor.author_key)
        .join(DatasetVersion, DatasetVersion.id == DatasetEmailAuthor.version_id)
        .join(Dataset)
        .where(
            Dataset.path == path,
            Dataset.table_id == table_id,
            DatasetEmailAuthor.email_key.in_(chunk),
        )
    ))


def email_authors(session: Session, version_id: int) -> list[tuple[str, str]]:
    """Every (email key, author key) pair a version recorded."""
    query = sa.select(DatasetEmailAuthor.email_key, DatasetEmailAuthor.author_key).where(
        DatasetEmailAuthor.version_id == version_id
    )
    return [(email, author) for email, author in session.execute(query)]


def versions_holding(session: Session, kind: str, keys: Iterable[str]) -> dict[int, set[str]]:
    """Dataset version ids that hold any of these pseudonyms, with the ones each holds."""
    return _grouped_by_chunk(session, keys, lambda chunk: sa.select(
        DatasetHolding.version_id, DatasetHolding.key
    ).where(DatasetHolding.kind == kind, DatasetHolding.key.in_(chunk)))


def _grouped_by_chunk(
    session: Session, keys: Iterable[str], query_for: Callable[[list[str]], sa.Select[Any]]
) -> dict[Any, set[str]]:
    """Run ``query_for`` on the distinct ``keys`` a chunk at a time (bounded IN lists) and
    group the second column of its (group, value) rows by the first."""
    found: dict[Any, set[str]] = {}
    unique = iter(sorted(set(keys)))
    while chunk := list(islice(unique, HOLDINGS_CHUNK)):
        for group, value in session.execute(query_for(chunk)):
            found.setdefault(group, set()).add(value)
    return found


def dataset_versions(session: Session, path: str) -> list[DatasetVersion]:
    """Every recorded version of every table built at ``path``, oldest first."""
    query = (
        sa.select(DatasetVersion)
        .join(Dataset)
        .where(Dataset.path == path)
        .order_by(DatasetVersion.built_at, DatasetVersion.version)
    )
    return list(session.execute(query).scalars())


def mark_version_purged(session: Session, version_id: int, watermark: int) -> DatasetVersion:
    """Mark a version purged up to ``watermark`` (and audit it)."""
    lock_registry(session)
    row = session.get(DatasetVersion, version_id, populate_existing=True)
    if row is None:
        raise KeyError(version_id)
    row.status, row.watermark = "purged", max(row.watermark, watermark)
    session.flush()
    details = {"version": row.version, "watermark": row.watermark}
    audit.append(session, "dataset.purged", f"dataset:{row.dataset_id}", details)
    return row


def record_model(
    session: Session, *, name: str, version: str, dataset_version_id: int,
    recorded_at: datetime | None = None,
) -> TrainedModel:  # fmt: skip
    """Record that model ``name`` ``version`` was trained on a dataset version."""
    lock_registry(session)
    model = TrainedModel(name=name, version=version, dataset_version_id=dataset_version_id,
                         recorded_at=recorded_at or datetime.now(UTC))  # fmt: skip
    session.add(model)
    session.flush()
    details = {"name": name, "version": version, "dataset_version_id": dataset_version_id}
    audit.append(session, "model.recorded", f"model:{model.id}", details)
    return model
