"""What verify and purge read from and record in the registry (keys and counts only)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from optout.registry import audit
from optout.registry import datasets as registry_datasets
from optout.registry.models import Dataset, DatasetHolding, DatasetVersion

PURGE_ACTION = "dataset.purge"


@dataclass(frozen=True)
class Holdings:
    """The author and email pseudonyms one recorded version holds."""

    version_id: int | None
    authors: frozenset[str]
    emails: frozenset[str]


def dataset_key(dataset_dir: Path) -> str:
    """How the registry names a dataset directory (its resolved path)."""
    return str(dataset_dir.resolve())


def version_row(
    session: Session, dataset_dir: Path, table_id: str | None, version: int
) -> DatasetVersion | None:
    """The recorded row of Delta ``version`` of the table at ``dataset_dir``, if any."""
    query = (
        sa.select(DatasetVersion)
        .join(Dataset)
        .where(Dataset.path == dataset_key(dataset_dir), DatasetVersion.version == version)
    )
    if table_id:
        query = query.where(Dataset.table_id == table_id)
    return session.execute(query.order_by(DatasetVersion.id.desc())).scalars().first()


def holdings_of(session: Session, row: DatasetVersion | None) -> Holdings:
    """What the registry says a version holds (nothing when it was never recorded)."""
    if row is None:
        return Holdings(None, frozenset(), frozenset())
    query = sa.select(DatasetHolding.kind, DatasetHolding.key).where(
        DatasetHolding.version_id == row.id
    )
    found: dict[str, set[str]] = {"author": set(), "email": set()}
    for kind, key in session.execute(query):
        found[kind].add(key)
    return Holdings(row.id, frozenset(found["author"]), frozenset(found["email"]))


def authors_of_emails(
    session: Session, version_id: int | None, email_keys: Iterable[str]
) -> dict[str, set[str]]:
    """Authors behind email pseudonyms, as the build (or the previous purge) recorded them."""
    keys = sorted(set(email_keys))
    if version_id is None or not keys:
        return {}
    return registry_datasets.authors_of_emails(session, version_id, keys)


def record_purge(
    session: Session,
    *,
    dataset_dir: Path,
    manifest: dict[str, Any],
    manifest_sha256: str,
    previous: Holdings,
    removed_authors: set[str],
    removed_emails: set[str],
    details: dict[str, Any],
) -> int:
    """Record the purged version and its holdings, mark older versions purged, audit it."""
    path = dataset_key(dataset_dir)
    row = version_row(session, dataset_dir, manifest["table_id"], manifest["version"])
    if row is None:
        row = registry_datasets.record_dataset_version(
            session, path=path, table_id=manifest["table_id"], version=manifest["version"],
            as_of=datetime.fromisoformat(manifest["as_of"].replace("Z", "+00:00")),
            watermark=manifest["watermark"], rows_out=manifest["rows_out"],
            manifest_sha256=manifest_sha256,
        )  # fmt: skip
        registry_datasets.record_holdings(
            session, row.id, previous.authors - removed_authors, previous.emails - removed_emails
        )
        if previous.version_id is not None:
            kept_pairs = [
                (email, author)
                for email, author in registry_datasets.email_authors(session, previous.version_id)
                if author not in removed_authors and email not in removed_emails
            ]
            registry_datasets.record_email_authors(session, row.id, kept_pairs)
    elif row.watermark < manifest["watermark"]:  # nothing to rewrite: the version stays
        registry_datasets.mark_version_purged(session, row.id, manifest["watermark"])
    for older in registry_datasets.dataset_versions(session, path):
        if older.id != row.id and older.status != "purged":
            registry_datasets.mark_version_purged(session, older.id, manifest["watermark"])
    audit.append(session, PURGE_ACTION, f"dataset:{row.dataset_id}", details)
    return row.id
