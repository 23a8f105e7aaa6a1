"""Batched submissions (group commit): the same objections and audit entries as one by one."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from optout.registry import (
    Registry,
    confirm_objection,
    current_watermark,
    find_objection,
    submit_objection,
    verify_chain,
    withdraw_objection,
)
from optout.registry.models import AuditEntry
from optout.registry.submissions import Submission, submission_row, submit_objections

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)


def sub(email: str, *, confirm: bool = False, account_id: str | None = None,
        **fields: Any) -> Submission:  # fmt: skip
    row = submission_row(email=email, account_id=account_id, country="DE", **fields)
    return Submission(row, confirm=confirm, source="api")


def actions(registry: Registry) -> list[tuple[str, str, Any]]:
    """The audit log as (action, status, confirm_seq), in chain order."""
    with registry.read_session() as session:
        entries = session.execute(sa.select(AuditEntry).order_by(AuditEntry.seq)).scalars()
        return [(e.action, e.details["status"], e.details["confirm_seq"]) for e in entries]


def prepare(registry: Registry) -> None:
    """Known addresses: one pending, one confirmed, one withdrawn."""
    with registry.session() as session:
        submit_objection(session, email="pending@example.org", country="DE", now=NOW)
        confirmed = submit_objection(session, email="confirmed@example.org", now=NOW)
        confirm_objection(session, confirmed.id, at=NOW)
        withdrawn = submit_objection(session, email="withdrawn@example.org", now=NOW)
        withdraw_objection(session, withdrawn.id, at=NOW)


def test_a_batch_gives_each_submission_its_outcome(registry: Registry) -> None:
    prepare(registry)
    batch = [
        sub("new@example.org"),
        sub("Pending@Example.org", reason="changed my mind"),
        sub("confirmed@example.org"),
        sub("withdrawn@example.org"),
        sub("noticed@example.org", confirm=True, account_id="acct-1"),
        sub("new@example.org"),  # the same address again, in the same batch
    ]
    with registry.session() as session:
        done = submit_objections(session, batch)
    outcomes = [d.outcome for d in done]
    assert outcomes == ["pending", "pending", "already_confirmed", "pending", "confirmed",
                        "pending"]  # fmt: skip
    assert done[0].objection_id == done[5].objection_id
    assert done[4].confirm_seq == 2 and done[4].status == "confirmed"
    with registry.read_session() as session:
        assert find_objection(session, email="pending@example.org").reason == "changed my mind"
        assert find_objection(session, email="withdrawn@example.org").status == "pending"
        noticed = find_objection(session, email="noticed@example.org")
        assert noticed.status == "confirmed" and noticed.account_id == "acct-1"
        assert current_watermark(session) == 2
        assert verify_chain(session).ok


def test_a_batch_writes_what_single_calls_would(database_url: str) -> None:
    """The registry and the audit chain after a batch equal those after the single calls."""
    from optout.registry import open_registry

    batch = [sub("a@example.org"), sub("b@example.org", confirm=True, account_id="acct-2"),
             sub("a@example.org", names=["Ana Pérez"]), sub("c@example.org")]  # fmt: skip
    with open_registry(database_url) as batched:
        with batched.session() as session:
            submit_objections(session, batch)
        batched_log = actions(batched)
    single_url = database_url.replace("param-registry.db", "single.db")
    if single_url == database_url:  # PostgreSQL: a second schema is not worth it here
        single_log = None
    else:
        with open_registry(single_url) as single:
            for item in batch:
                with single.session() as session:
                    row = item.row
                    objection = submit_objection(
                        session, email=row.email, account_id=row.account_id,
                        country=row.country, names=row.names, source="api",
                    )  # fmt: skip
                    if item.confirm:
                        confirm_objection(session, objection.id)
            single_log = actions(single)
    assert batched_log == [
        ("objection.submitted", "pending", None),
        ("objection.submitted", "pending", None),
        ("objection.confirmed", "confirmed", 1),
        ("objection.updated", "pending", None),
        ("objection.submitted", "pending", None),
    ]
    assert single_log in (None, batched_log)


def test_audit_entries_of_a_batch_chain_in_queue_order(registry: Registry) -> None:
    emails = [f"p{i}@example.org" for i in range(50)]
    with registry.session() as session:
        done = submit_objections(session, [sub(e) for e in emails])
    with registry.read_session() as session:
        report = verify_chain(session)
        entries = session.execute(sa.select(AuditEntry).order_by(AuditEntry.seq)).scalars()
        ids = [entry.details["objection_id"] for entry in entries]
    assert report.ok and report.entries == 50
    assert ids == [d.objection_id for d in done]


def test_a_new_objection_takes_the_id_it_was_given(registry: Registry) -> None:
    given = "0190aaaabbbbccccddddeeeeffff0000"
    row = submission_row(email="given@example.org")
    with registry.session() as session:
        [done] = submit_objections(session, [Submission(row, new_id=given)])
        [again] = submit_objections(session, [Submission(row, new_id="0" * 32)])
    assert done.objection_id == given and again.objection_id == given
