"""Notices sent to accounts and objections (interfaces §2) from accounts and non-users."""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

from optout.corpus.sample.accounts import DAY, Account
from optout.corpus.sample.content import timestamp
from optout.corpus.sample.names import NonUser
from optout.corpus.sample.templates import TEMPLATES

NOTICE_SHARE = 0.9
RECENT_NOTICE_SHARE = 0.05


def notices(rng: random.Random, accounts: list[Account], ref_ts: int) -> Iterator[dict[str, Any]]:
    """A notice for most accounts; some under 30 days before the reference time, some never."""
    for account in accounts:
        cycle = account.idx % 50
        if cycle == 25 or (cycle != 0 and rng.random() > NOTICE_SHARE):
            continue
        if cycle == 0 or rng.random() < RECENT_NOTICE_SHARE:
            sent = ref_ts - rng.randint(3_600, 29 * DAY)
        else:
            sent = ref_ts - rng.randint(31 * DAY, 400 * DAY)
        channel = "email" if account.email is not None and rng.random() < 0.7 else "in_app"
        yield {"account_id": account.account_id, "channel": channel, "sent_at": timestamp(sent)}


def _email_variant(rng: random.Random, email: str) -> str:
    roll = rng.random()
    if roll < 0.2:
        return email.upper()
    if roll < 0.35:
        return f"  {email} "
    if roll < 0.45:
        local, _, domain = email.partition("@")
        return f"{local.capitalize()}@{domain.upper()}"
    return email


def _times(rng: random.Random, ref_ts: int, confirmed: bool) -> tuple[str, str | None]:
    submitted = ref_ts - rng.randint(DAY, 120 * DAY)
    if not confirmed:
        return timestamp(submitted), None
    return timestamp(submitted), timestamp(submitted + rng.randint(300, 2 * DAY))


def account_objection(
    rng: random.Random, account: Account, ref_ts: int, by_id: bool
) -> list[dict[str, Any]]:
    """The objection rows of one account: by email (or by id), confirmed or pending."""
    confirmed = rng.random() < 0.7
    submitted, confirmed_at = _times(rng, ref_ts, confirmed)
    email = None if by_id or account.email is None else _email_variant(rng, account.email)
    row: dict[str, Any] = {
        "email": email,
        "account_id": account.account_id if email is None else None,
        "country": account.country,
        "reason": rng.choice(TEMPLATES[account.lang]["reason"]),
        "names": [],
        "handles": [],
        "submitted_at": submitted,
        "confirmed_at": confirmed_at,
    }
    return [row]


def nonuser_objection(rng: random.Random, person: NonUser, ref_ts: int) -> dict[str, Any]:
    """A confirmed objection of someone without an account, naming themselves."""
    submitted, confirmed_at = _times(rng, ref_ts, True)
    return {
        "email": person.email,
        "account_id": None,
        "country": None,
        "reason": rng.choice(TEMPLATES[person.lang]["reason"]),
        "names": [person.full],
        "handles": [person.handle] if person.handle else [],
        "submitted_at": submitted,
        "confirmed_at": confirmed_at,
    }


def objections(
    rng: random.Random,
    accounts: list[Account],
    objector_ids: list[int],
    nonusers: list[NonUser],
    nonuser_uses: dict[int, int],
    ref_ts: int,
) -> Iterator[dict[str, Any]]:
    """Objection rows: the chosen accounts, then non-users whose names others mentioned."""
    for n, idx in enumerate(objector_ids):
        rows = account_objection(rng, accounts[idx], ref_ts, by_id=n % 6 == 5)
        if n == 0 and rows[0]["email"] is not None:
            first = rows[0]
            pending = dict(first, confirmed_at=None, email=first["email"].lower().strip())
            confirmed = first["confirmed_at"] or first["submitted_at"]
            rows = [pending, dict(first, confirmed_at=confirmed)]
        yield from rows
    used = sorted(i for i, uses in nonuser_uses.items() if uses > 0)
    count = min(len(used), max(2, len(accounts) // 300))
    for index in sorted(rng.sample(used, count)):
        yield nonuser_objection(rng, nonusers[index], ref_ts)
