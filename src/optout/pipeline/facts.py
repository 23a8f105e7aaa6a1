"""What a build decides once per account: objections, region, age, notice, keys, bucket."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
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


def adult_from(birth_dates: pa.Array | pa.ChunkedArray, min_age: int) -> pa.Array:
    """The moment each person born on ``birth_dates`` reaches ``min_age`` (29 Feb → 1 Mar),
    null where the birth date is unknown."""
    born = pc.cast(birth_dates, pa.date32()).to_numpy(zero_copy_only=False).astype("datetime64[D]")
    years = born.astype("datetime64[Y]")
    month_starts = born.astype("datetime64[M]")
    days = (born - month_starts).astype("timedelta64[D]")  # 28 days after 1 Feb is 1 Mar
    months = (month_starts - years).astype("timedelta64[M]")
    adult = (years + np.timedelta64(min_age, "Y")).astype("datetime64[M]") + months
    moments = (adult.astype("datetime64[D]") + days).astype("datetime64[us]")
    return pa.array(moments, TIMESTAMP, mask=np.isnat(born))


def build_account_facts(
    accounts: pa.Table,
    objectors: ObjectorSet,
    notified: set[str],
    policy: Policy,
    pseudonymizer: Pseudonymizer,
    buckets: int,
) -> AccountFacts:
    """Decide, for every account, what the build needs to know about its author."""
    account_ids = accounts.column("account_id").combine_chunks()
    emails = accounts.column("email").to_pylist()
    normalized = [normalize_email(e) if isinstance(e, str) else None for e in emails]
    objected = _objects(accounts, account_ids, normalized, objectors)
    author_keys = pseudonymizer.keys(pseudonymizer.AUTHOR, account_ids.to_pylist())
    email_keys = [pseudonymizer.key(pseudonymizer.EMAIL, e) if e else None for e in normalized]
    countries = pa.array(sorted(policy.scope.countries), pa.string())
    table = pa.table(
        {
            "account_id": account_ids,
            "a_objected": objected,
            "a_deleted_at": accounts.column("deleted_at").cast(TIMESTAMP),
            "a_in_region": pc.is_in(accounts.column("country"), value_set=countries),
            "a_adult_from": adult_from(accounts.column("birth_date"), policy.scope.min_age),
            "a_notified": pc.is_in(account_ids, value_set=_strings(notified)),
            "a_country": accounts.column("country"),
            "a_author_key": pa.array(author_keys, pa.string()),
            "a_email_key": pa.array(email_keys, pa.string()),
            "a_bucket": pa.array([bucket_of(key, buckets) for key in author_keys], pa.int32()),
        }
    )
    objector_ids = frozenset(account_ids.filter(objected).to_pylist())
    return AccountFacts(table, objector_ids)


def _objects(
    accounts: pa.Table, account_ids: pa.Array, normalized_emails: list[str | None],
    objectors: ObjectorSet,
) -> pa.Array:
    """Whether each account objects: a confirmed objection, or a standing one of its own."""
    by_email = pc.is_in(pa.array(normalized_emails, pa.string()),
                        value_set=_strings(objectors.emails))
    return _or_all(
        pc.is_in(account_ids, value_set=_strings(objectors.account_ids)),
        pc.fill_null(by_email, False),
        pc.fill_null(pc.equal(accounts.column("ai_training_opt_out"), True), False),
        pc.fill_null(pc.equal(accounts.column("indexable"), False), False),
    )


def _or_all(*masks: pa.Array | pa.ChunkedArray) -> pa.Array:
    result = masks[0]
    for mask in masks[1:]:
        result = pc.or_(result, mask)
    return result.combine_chunks() if isinstance(result, pa.ChunkedArray) else result


def _strings(values: Iterable[str]) -> pa.Array:
    return pa.array(sorted(values), pa.string())
