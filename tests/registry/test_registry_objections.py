"""Objections: import semantics, lifecycle, sequence numbers and the watermark."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from optout.registry import (
    ObjectionRow,
    ObjectionWithdrawn,
    Registry,
    confirm_objection,
    confirmed_objections,
    confirmed_snapshot,
    current_watermark,
    find_objection,
    get_objection,
    import_objections,
    list_objections,
    objections_new_since,
    submit_objection,
    withdraw_objection,
)


def ts(day: int, hour: int = 12) -> datetime:
    return datetime(2026, 5, day, hour, tzinfo=UTC)


def row(email: str | None = "ana@example.org", **fields) -> ObjectionRow:
    return ObjectionRow(email=email, account_id=fields.pop("account_id", None), **fields)


def load(registry: Registry, rows: list[ObjectionRow]) -> dict[str, int]:
    with registry.session() as session:
        return import_objections(session, rows).as_dict()


def test_import_twice_changes_nothing(registry: Registry) -> None:
    rows = [
        row(names=("Ana Pérez",), submitted_at=ts(1, 10), confirmed_at=ts(1)),
        row("bob@example.org", submitted_at=ts(2)),
        row(None, account_id="acc-7", country="ES"),
    ]
    assert load(registry, rows) == {"imported": 3, "updated": 0, "unchanged": 0}
    assert load(registry, rows) == {"imported": 0, "updated": 0, "unchanged": 3}
    with registry.read_session() as session:
        assert len(list_objections(session)) == 3
        assert current_watermark(session) == 1


def test_confirmation_of_a_pending_objection_counts_as_updated(registry: Registry) -> None:
    load(registry, [row(submitted_at=ts(1))])
    assert load(registry, [row(submitted_at=ts(1), confirmed_at=ts(2))])["updated"] == 1
    with registry.read_session() as session:
        [objection] = list_objections(session)
        assert (objection.status, objection.confirm_seq) == ("confirmed", 1)
        assert objection.confirmed_at == ts(2)


def test_emails_match_after_trim_nfc_and_casefold(registry: Registry) -> None:
    load(registry, [row("  Ane\u0301@Example.ORG ", submitted_at=ts(1))])
    result = load(registry, [row("an\u00e9@example.org", confirmed_at=ts(2))])
    assert result == {"imported": 0, "updated": 1, "unchanged": 0}
    with registry.read_session() as session:
        assert find_objection(session, email="ANÉ@EXAMPLE.ORG").status == "confirmed"
        assert len(list_objections(session)) == 1


def test_account_only_objections_are_identified_by_account(registry: Registry) -> None:
    load(registry, [row(None, account_id="acc-1"), row(None, account_id="acc-2")])
    assert load(registry, [row(None, account_id="acc-1", confirmed_at=ts(3))])["updated"] == 1


def test_duplicates_within_one_file_merge(registry: Registry) -> None:
    rows = [row(submitted_at=ts(1)), row("ANA@example.org", confirmed_at=ts(2))]
    assert load(registry, rows) == {"imported": 1, "updated": 1, "unchanged": 0}
    assert load(registry, rows) == {"imported": 0, "updated": 0, "unchanged": 2}


def test_sequence_numbers_increase_with_each_confirmation(registry: Registry) -> None:
    load(registry, [row(f"p{i}@example.org", confirmed_at=ts(1)) for i in range(3)])
    with registry.session() as session:
        late = submit_objection(session, email="late@example.org", country="DE")
        assert late.status == "pending" and late.confirm_seq is None
        assert confirm_objection(session, late.id).confirm_seq == 4
        assert confirm_objection(session, late.id).confirm_seq == 4  # idempotent
    with registry.read_session() as session:
        seqs = [o.confirm_seq for o in confirmed_objections(session)]
    assert seqs == [1, 2, 3, 4]


def test_backdated_confirmation_imported_later_is_new(registry: Registry) -> None:
    load(registry, [row("early@example.org", confirmed_at=ts(10))])
    with registry.read_session() as session:
        watermark = current_watermark(session)
    load(registry, [row("backdated@example.org", submitted_at=ts(1, 8), confirmed_at=ts(1))])
    with registry.read_session() as session:
        new = objections_new_since(session, watermark)
        assert [o.email for o in new] == ["backdated@example.org"]
        assert new[0].confirm_seq > watermark
        assert [o.email for o in confirmed_objections(session, up_to_seq=watermark)] == [
            "early@example.org"
        ]


def test_pending_and_withdrawn_objections_are_never_new(registry: Registry) -> None:
    load(registry, [row("pending@example.org"), row("gone@example.org", confirmed_at=ts(2))])
    with registry.session() as session:
        withdraw_objection(session, find_objection(session, email="gone@example.org").id)
    with registry.read_session() as session:
        assert objections_new_since(session, 0) == []
        snapshot = confirmed_snapshot(session)
        assert (snapshot.watermark, snapshot.objections) == (1, [])


def test_withdrawn_objection_reimported_stays_withdrawn_unless_newer(registry: Registry) -> None:
    original = row(submitted_at=ts(1), confirmed_at=ts(1, 13))
    load(registry, [original])
    with registry.session() as session:
        objection = find_objection(session, email="ana@example.org")
        withdraw_objection(session, objection.id, at=ts(5))
    assert load(registry, [original])["unchanged"] == 1
    newer = row(submitted_at=ts(6), confirmed_at=ts(6, 13))
    assert load(registry, [newer])["updated"] == 1
    with registry.read_session() as session:
        reopened = get_objection(session, objection.id)
        assert (reopened.status, reopened.confirm_seq, reopened.withdrawn_at) == (
            "confirmed", 2, None,
        )  # fmt: skip


def test_confirmation_is_not_undone_by_an_older_row(registry: Registry) -> None:
    load(registry, [row(confirmed_at=ts(2))])
    assert load(registry, [row(submitted_at=ts(1))])["unchanged"] == 1


def test_wider_scope_of_a_confirmed_objection_is_new_again(registry: Registry) -> None:
    load(registry, [row(names=("Ana Pérez",), confirmed_at=ts(2))])
    result = load(registry, [row(names=("Ana Pérez", "Ana María Pérez"), confirmed_at=ts(2))])
    assert result["updated"] == 1
    with registry.read_session() as session:
        [objection] = objections_new_since(session, 1)
        assert objection.names == ["Ana Pérez", "Ana María Pérez"]


def test_withdrawn_objection_cannot_be_confirmed(registry: Registry) -> None:
    with registry.session() as session:
        objection = submit_objection(session, email="ana@example.org")
        withdraw_objection(session, objection.id)
        with pytest.raises(ObjectionWithdrawn):
            confirm_objection(session, objection.id)


def test_submitting_again_reopens_a_withdrawn_objection(registry: Registry) -> None:
    with registry.session() as session:
        first = submit_objection(session, email="ana@example.org", now=ts(1))
        withdraw_objection(session, first.id, at=ts(2))
        again = submit_objection(session, email="ANA@example.org", now=ts(3))
    assert (again.id, again.status) == (first.id, "pending")


def test_list_filters_by_status(registry: Registry) -> None:
    load(registry, [row("a@example.org"), row("b@example.org", confirmed_at=ts(1))])
    with registry.read_session() as session:
        assert [o.email for o in list_objections(session, "confirmed")] == ["b@example.org"]
        assert [o.email for o in list_objections(session, "pending")] == ["a@example.org"]
