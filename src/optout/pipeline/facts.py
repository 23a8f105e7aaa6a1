"""What a build decides once per account: objections, region, age, notice, keys, bucket."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pyarrow as pa
import pyarrow.compute as pc

from optout.keys import Pseudonymizer, normalize_email
from optout.pipeline.writer import bucket_of
from optout.policy import Policy

TIMESTAMP = pa.timestamp("us", tz="UTC")


@dataclass(frozen=True)
class ObjectorSet:
    """Every confirmed, not withdrawn objection a build honours, and the watermark."""

    emails: frozenset[str]  # normalised
    account_ids: frozenset[str]
    names: frozenset[str]  # of people without an account
    handles: frozenset[str]
    watermark: int

    @classmethod
    def empty(cls) -> ObjectorSet:
        return cls(frozenset(), frozenset(), frozenset(), frozenset(), 0)


@dataclass(frozen=True)
class AccountFacts:
    """The per-account facts table joined onto content, and the accounts that object."""

    table: pa.Table
    objector_ids: frozenset[str]


def notified_accounts(notices: Iterable[pa.RecordBatch], cutoff: datetime) -> set[str]:
    """Accounts with a notice sent at or before ``cutoff``."""
    notified: set[str] = set()
    bound = pa.scalar(cutoff, type=TIMESTAMP)
    for batch in notices:
        early = batch.filter(pc.less_equal(batch.column("sent_at"), bound))
        notified.update(early.column("account_id").to_pylist())
    return notified


def notice_cutoff(policy: Policy, as_of: datetime) -> datetime:
    """A notice counts only if sent at least ``notice.days`` before the as-of time."""
    return as_of - timedelta(days=policy.notice.days)


def adult_from(birth_date: date | None, min_age: int) -> datetime | None:
    """The moment someone born on ``birth_date`` reaches ``min_age`` (29 Feb → 1 Mar)."""
    if birth_date is None:
        return None
    year = birth_date.year + min_age
    try:
        day = birth_date.replace(year=year)
    except ValueError:
        day = date(year, 3, 1)
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def build_account_facts(
    accounts: pa.Table,
    objectors: ObjectorSet,
    notified: set[str],
    policy: Policy,
    pseudonymizer: Pseudonymizer,
    buckets: int,
) -> AccountFacts:
    """Decide, for every account, what the build needs to know about its author."""
    rows = accounts.select(
        ["account_id", "email", "country", "birth_date", "deleted_at",
         "ai_training_opt_out", "indexable"]
    ).to_pylist()  # fmt: skip
    countries = policy.scope.countries
    objected = [_objects(row, objectors) for row in rows]
    author_keys = [pseudonymizer.author(row["account_id"]) for row in rows]
    table = pa.table(
        {
            "account_id": pa.array([row["account_id"] for row in rows], pa.string()),
            "a_objected": pa.array(objected, pa.bool_()),
            "a_deleted_at": accounts.column("deleted_at").cast(TIMESTAMP),
            "a_in_region": pa.array([row["country"] in countries for row in rows], pa.bool_()),
            "a_adult_from": pa.array(
                [adult_from(row["birth_date"], policy.scope.min_age) for row in rows], TIMESTAMP
            ),
            "a_notified": pa.array([row["account_id"] in notified for row in rows], pa.bool_()),
            "a_country": pa.array([row["country"] for row in rows], pa.string()),
            "a_author_key": pa.array(author_keys, pa.string()),
            "a_email_key": pa.array(
                [pseudonymizer.email(row["email"]) if row["email"] else None for row in rows],
                pa.string(),
            ),
            "a_bucket": pa.array([bucket_of(key, buckets) for key in author_keys], pa.int32()),
        }
    )
    objector_ids = frozenset(
        row["account_id"] for row, objects in zip(rows, objected, strict=True) if objects
    )
    return AccountFacts(table, objector_ids)


def _objects(row: dict[str, object], objectors: ObjectorSet) -> bool:
    """Whether an account objects: a confirmed objection, or a standing one of its own."""
    email = row["email"]
    return bool(
        row["account_id"] in objectors.account_ids
        or (isinstance(email, str) and normalize_email(email) in objectors.emails)
        or row["ai_training_opt_out"] is True
        or row["indexable"] is False
    )
