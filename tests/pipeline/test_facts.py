"""Per-account facts: the moment someone comes of age, objections, keys and buckets."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pyarrow as pa

from optout.keys import Pseudonymizer
from optout.pipeline.facts import ObjectorSet, adult_from, build_account_facts
from optout.policy import load_policy


def test_adult_from_adds_whole_years_and_moves_29_february_to_1_march() -> None:
    born = pa.array([date(2008, 6, 15), date(2008, 2, 29), date(2004, 2, 29), None], pa.date32())
    assert adult_from(born, 18).to_pylist() == [
        datetime(2026, 6, 15, tzinfo=UTC),
        datetime(2026, 3, 1, tzinfo=UTC),  # 2026 has no 29 February
        datetime(2022, 3, 1, tzinfo=UTC),
        None,
    ]
    assert adult_from(born, 16).to_pylist()[2] == datetime(2020, 2, 29, tzinfo=UTC)  # leap


def test_objections_standing_and_confirmed_and_the_keys() -> None:
    accounts = pa.table({
        "account_id": ["a1", "a2", "a3", "a4", "a5"],
        "email": [" Ana@Example.EU ", None, "bo@example.eu", None, None],
        "country": ["DE", "US", None, "FR", "FR"],
        "birth_date": pa.array([None] * 5, pa.date32()),
        "deleted_at": pa.array([None] * 5, pa.timestamp("us", tz="UTC")),
        "ai_training_opt_out": [None, True, False, None, None],
        "indexable": [None, None, None, False, True],
    })  # fmt: skip
    objectors = ObjectorSet(frozenset({"ana@example.eu"}), frozenset({"a5"}), frozenset(),
                            frozenset(), 1)
    pseudonymizer = Pseudonymizer(b"secret")
    facts = build_account_facts(
        accounts, objectors, {"a3"}, load_policy(None), pseudonymizer, 8
    )
    table = facts.table
    assert facts.objector_ids == {"a1", "a2", "a4", "a5"}  # email, opt-out, noindex, objection
    assert table.column("a_objected").to_pylist() == [True, True, False, True, True]
    assert table.column("a_in_region").to_pylist() == [True, False, False, True, True]
    assert table.column("a_notified").to_pylist() == [False, False, True, False, False]
    assert table.column("a_author_key").to_pylist()[0] == pseudonymizer.author("a1")
    assert table.column("a_email_key").to_pylist()[:2] == [
        pseudonymizer.email("ana@example.eu"), None
    ]
    assert all(0 <= b < 8 for b in table.column("a_bucket").to_pylist())
