"""Registry state for the status page's lineage: a confirmed objector held by a dataset."""

from __future__ import annotations

from datetime import UTC, datetime

from optout.registry import (
    Registry,
    confirm_objection,
    mark_version_purged,
    record_dataset_version,
    record_holdings,
    record_model,
    submit_objection,
)

BUILT = datetime(2026, 3, 1, tzinfo=UTC)


def objector_in_a_dataset(registry: Registry, email: str) -> tuple[str, int]:
    """A confirmed objection whose email a recorded version holds, with a model trained on it.

    Returns the objection id and the version's registry id.
    """
    key = registry.pseudonymizer.email(email)
    with registry.session() as session:
        version = record_dataset_version(
            session, path="/srv/datasets/forum-2026", table_id="t-1", version=0, as_of=BUILT,
            watermark=0, rows_out=10, manifest_sha256="0" * 64, built_at=BUILT,
        )  # fmt: skip
        record_holdings(session, version.id, ["author-key"], [key])
        record_model(session, name="tiny-lm", version="2026.3", dataset_version_id=version.id)
        objection = submit_objection(session, email=email, country="DE")
        confirm_objection(session, objection.id)
        return objection.id, version.id


def purge(registry: Registry, version_id: int) -> None:
    with registry.session() as session:
        mark_version_purged(session, version_id, watermark=10)
