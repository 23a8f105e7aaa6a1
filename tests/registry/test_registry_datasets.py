"""Dataset versions, holdings and models: recorded, found by pseudonym, audited."""

from __future__ import annotations

from datetime import UTC, datetime

from optout.registry import (
    Registry,
    dataset_versions,
    mark_version_purged,
    record_dataset_version,
    record_holdings,
    record_model,
    verify_chain,
    versions_holding,
)


def test_versions_holdings_and_models(registry: Registry) -> None:
    at = datetime(2026, 5, 1, tzinfo=UTC)
    with registry.session() as session:
        v1 = record_dataset_version(session, path="/data/ds", table_id="t-1", version=0,
                                    as_of=at, watermark=3, rows_out=10,
                                    manifest_sha256="a" * 64)  # fmt: skip
        v2 = record_dataset_version(session, path="/data/ds", table_id="t-1", version=1,
                                    as_of=at, watermark=4, rows_out=9,
                                    manifest_sha256="b" * 64)  # fmt: skip
        assert record_holdings(session, v1.id, ["k1", "k2", "k2"], ["e1"]) == 3
        record_holdings(session, v2.id, ["k2"], [])
        record_model(session, name="m", version="1", dataset_version_id=v2.id)
        mark_version_purged(session, v1.id, watermark=4)
    with registry.read_session() as session:
        assert versions_holding(session, "author", ["k2", "zz"]) == {v1.id: {"k2"}, v2.id: {"k2"}}
        assert versions_holding(session, "email", ["e1"]) == {v1.id: {"e1"}}
        versions = dataset_versions(session, "/data/ds")
        assert [(v.version, v.status, v.watermark) for v in versions] == [
            (0, "purged", 4), (1, "built", 4),
        ]  # fmt: skip
        assert versions[0].as_of == at
        assert verify_chain(session).entries == 4


def test_a_directory_built_anew_is_a_new_dataset(registry: Registry) -> None:
    at = datetime(2026, 5, 1, tzinfo=UTC)
    with registry.session() as session:
        first = record_dataset_version(session, path="/data/ds", table_id="t-1", version=0,
                                       as_of=at, watermark=1, rows_out=1,
                                       manifest_sha256="a" * 64)  # fmt: skip
        again = record_dataset_version(session, path="/data/ds", table_id="t-2", version=0,
                                       as_of=at, watermark=1, rows_out=1,
                                       manifest_sha256="b" * 64)  # fmt: skip
        assert first.dataset_id != again.dataset_id
