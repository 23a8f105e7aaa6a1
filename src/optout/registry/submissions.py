"""Many portal submissions in one transaction: the group-commit path of submit and confirm.

``submit_objections`` does for a batch what ``submit_objection`` (then, for a notice link,
``confirm_objection``) does for one: in the caller's transaction, with one registry lock,
one lookup of the identities, multi-row inserts, and the audit entries chained in order.
Each submission is applied to the state the ones before it left, so a batch gives the
same objections and the same audit entries as the single calls one after another.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from optout.registry import audit
from optout.registry.db import pseudonymizer_of, sqlite_driver
from optout.registry.models import CONFIRM_SEQ, Counter
from optout.registry.objections import (
    _UPDATE_BY_ID,
    ObjectionRow,
    _details,
    _existing_states,
    _insert_states,
    _merge,
    _new_state,
    _subject,
    _update_params,
    lock_registry,
    new_objection_ids,
    parse_objection,
)

OUTCOMES = ("pending", "confirmed", "already_confirmed")
_SET_COUNTER = "UPDATE registry_counters SET value = ? WHERE name = ?"


@dataclass(frozen=True, slots=True)
class Submission:
    """One validated submission: the objection, whether a notice link proved the address
    (confirm it at once), where it came from (``portal`` or ``api``), and the id it gets
    if it is a new objection (``new_objection_id()``; one is made when None)."""

    row: ObjectionRow
    confirm: bool = False
    source: str = "portal"
    new_id: str | None = None


@dataclass(frozen=True, slots=True)
class Submitted:
    """What a submission did, and the objection after it (no audit data, no secrets).

    ``outcome``: ``pending`` (recorded or refreshed, to be confirmed by email),
    ``confirmed`` (confirmed through a notice link), ``already_confirmed`` (the address
    has a confirmed objection, left as it was: its owner gets a status link).
    """

    outcome: str
    objection_id: str
    email: str | None
    status: str
    country: str | None
    submitted_at: datetime
    confirmed_at: datetime | None
    withdrawn_at: datetime | None
    confirm_seq: int | None


def submission_row(
    *, email: str | None, account_id: str | None = None, country: str | None = None,
    reason: str | None = None, names: Sequence[str] = (), handles: Sequence[str] = (),
) -> ObjectionRow:  # fmt: skip
    """Validate a submission's fields like an import row (FieldProblem on a bad one)."""
    record = {"email": email, "account_id": account_id, "country": country, "reason": reason,
              "names": list(names), "handles": list(handles)}  # fmt: skip
    return parse_objection(record)


def submit_objections(
    session: Session, submissions: Sequence[Submission], *, now: datetime | None = None
) -> list[Submitted]:
    """Apply the submissions in order, in the caller's transaction; one result each."""
    now = now or datetime.now(UTC)
    batch = _Batch(session, lock_registry(session), now)
    keys = [submission.row.key for submission in submissions]
    known = _existing_states(session, keys)
    ids = iter(new_objection_ids(sum(s.new_id is None for s in submissions)))
    results = []
    for submission, key in zip(submissions, keys, strict=True):
        state = known.get(key)
        if state is not None and state["status"] == "confirmed" and not submission.confirm:
            results.append(_result("already_confirmed", state))
            continue
        new_state = batch.submit(submission, state, key, submission.new_id or next(ids))
        known[key] = new_state
        confirmed = submission.confirm and new_state["status"] == "confirmed"
        results.append(_result("confirmed" if confirmed else "pending", new_state))
    batch.write()
    return results


class _Batch:
    """The rows to insert and update, the audit events and the seqs one batch produces."""

    def __init__(self, session: Session, last_seq: int, now: datetime) -> None:
        self.session, self.now = session, now
        self.first_seq = self.last_seq = last_seq
        self.inserts: dict[str, dict[str, Any]] = {}
        self.updates: dict[str, dict[str, Any]] = {}
        self.events: list[audit.AuditEvent] = []
        self.pseudonymizer = pseudonymizer_of(session)

    def submit(
        self, submission: Submission, state: dict[str, Any] | None, key: tuple[str, str],
        new_id: str,
    ) -> dict[str, Any]:  # fmt: skip
        """``submit_objection`` (and ``confirm_objection`` for a notice) on ``state``."""
        row = submission.row._replace(submitted_at=self.now, confirmed_at=None)
        if state is None:
            new_state = _new_state(row, submission.source, self.now, new_id, key)
            self._change(new_state, "objection.submitted", new=True)
        else:
            new_state, action = _merge(state, row, submission.source, self.now)
            if action is not None:
                self._change(new_state, action, new=False)
        if submission.confirm and new_state["status"] == "pending":
            now = self.now
            new_state = {**new_state, "status": "confirmed", "confirmed_at": now,
                         "updated_at": now, "confirm_seq": None}  # fmt: skip
            self._change(new_state, "objection.confirmed", new=False)
        return new_state

    def _change(self, state: dict[str, Any], action: str, *, new: bool) -> None:
        """Record one change: its row (insert or update), its seq, its audit entry."""
        if state["status"] == "confirmed" and state["confirm_seq"] is None:
            self.last_seq += 1
            state["confirm_seq"] = self.last_seq
        if new or state["id"] in self.inserts:
            self.inserts[state["id"]] = state
        else:
            self.updates[state["id"]] = state
        subject = _subject(self.pseudonymizer, state)
        self.events.append(audit.AuditEvent(action, subject, _details(state)))

    def write(self) -> None:
        """Write the rows, advance the seq counter, append the audit entries (in order)."""
        session = self.session
        if self.inserts:
            _insert_states(session, list(self.inserts.values()))
        if self.updates:
            session.execute(_UPDATE_BY_ID, [_update_params(s) for s in self.updates.values()])
        if self.last_seq != self.first_seq:
            _set_counter(session, self.last_seq)
        if self.events:
            audit.append_many(session, self.events, ts=self.now)


def _set_counter(session: Session, value: int) -> None:
    driver = sqlite_driver(session)
    if driver is not None:
        driver.execute(_SET_COUNTER, (value, CONFIRM_SEQ))
    else:
        session.execute(sa.update(Counter).where(Counter.name == CONFIRM_SEQ).values(value=value))


def _result(outcome: str, state: dict[str, Any]) -> Submitted:
    return Submitted(
        outcome, state["id"], state["email"], state["status"], state["country"],
        state["submitted_at"], state["confirmed_at"], state["withdrawn_at"], state["confirm_seq"],
    )  # fmt: skip
