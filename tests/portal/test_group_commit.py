"""Group commit: concurrent objections share transactions, each answered after its commit."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from optout.config import get_settings
from optout.portal import group_commit
from optout.portal.app import create_app
from optout.portal.config import PortalConfig
from optout.portal.flows import Portal
from optout.portal.group_commit import GroupWriter
from optout.portal.links import LinkSigner
from optout.registry import Registry, open_registry, verify_chain
from optout.registry.db import RegistryBusy
from optout.registry.outbox import NewMail, mail_counts
from optout.registry.submissions import Submission, submission_row
from tests.portal.support import eml_files, free_port, live_server, wait_for


@pytest.fixture
def registry(database_url: str) -> Registry:
    opened = open_registry(database_url)
    yield opened
    opened.close()


def submission(email: str) -> Submission:
    return Submission(submission_row(email=email, country="DE"), source="api")


def test_concurrent_posts_share_commits_and_all_are_stored(outbox: Path) -> None:
    app = create_app(PortalConfig(ip_limit_per_minute=0, sender_poll_s=0.05),
                     settings=get_settings())  # fmt: skip
    count = 60

    async def post_all(base: str) -> list[int]:
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            answers = await asyncio.gather(*(
                client.post("/api/v1/objections", json={"email": f"p{i}@example.org",
                                                        "country": "DE"})
                for i in range(count)
            ))  # fmt: skip
        return [answer.status_code for answer in answers]

    with live_server(app, free_port()) as base:
        codes = asyncio.run(post_all(base))
        writer = app.state.portal.writer
        wait_for(lambda: len(eml_files(outbox)) == count)
    assert codes == [202] * count
    assert writer.batches < count  # requests waited together for shared commits
    registry = app.state.portal.registry
    with registry.read_session() as session:
        assert mail_counts(session)["sent"] == count
        report = verify_chain(session)
    assert report.ok and report.entries == count
    registry.close()


def test_one_bad_submission_fails_alone(registry: Registry) -> None:
    """A batch whose transaction fails is stored again one by one: only the bad one fails."""

    def compose(pairs):  # type: ignore[no-untyped-def]
        if any(done.email == "bad@example.org" for _item, done in pairs):
            raise RuntimeError("this email cannot be composed")
        return [NewMail("confirmation", done.email, "x") for _item, done in pairs]

    writer = GroupWriter(registry, compose)

    async def submit_all() -> list[object]:
        emails = ["a@example.org", "bad@example.org", "c@example.org"]
        work = [writer.submit_async(submission(e), "en") for e in emails]
        try:
            return await asyncio.gather(*work, return_exceptions=True)
        finally:
            await writer.stop()

    results = asyncio.run(submit_all())
    assert isinstance(results[1], RuntimeError)
    assert [r.outcome for r in (results[0], results[2])] == ["pending", "pending"]
    assert writer.batches == 2  # the failed batch of three, then a and c on their own
    with registry.read_session() as session:
        emails = set(session.execute(sa.text("SELECT email FROM objections")).scalars())
        assert emails == {"a@example.org", "c@example.org"}
        assert mail_counts(session)["pending"] == 2
        assert verify_chain(session).ok


def test_nothing_is_answered_before_its_commit(registry: Registry) -> None:
    """While the commit has not returned, no request has its answer; then all have."""
    import threading

    release = threading.Event()
    committed: list[bool] = []
    writer = GroupWriter(registry, lambda pairs: [])
    original = registry.write_session

    def slow_commit_session(**options):  # type: ignore[no-untyped-def]
        cm = original(**options)
        session = cm.__enter__()
        commit = session.commit

        def held_commit() -> None:
            release.wait(10)
            commit()
            committed.append(True)

        session.commit = held_commit  # type: ignore[method-assign]

        class Wrapper:
            def __enter__(self):  # type: ignore[no-untyped-def]
                return session

            def __exit__(self, *exc):  # type: ignore[no-untyped-def]
                return cm.__exit__(*exc)

        return Wrapper()

    registry.write_session = slow_commit_session  # type: ignore[method-assign]

    async def run() -> None:
        tasks = [asyncio.ensure_future(writer.submit_async(submission(f"w{i}@example.org"), "en"))
                 for i in range(5)]  # fmt: skip
        await asyncio.sleep(0.3)
        assert not any(task.done() for task in tasks) and not committed
        release.set()
        results = await asyncio.gather(*tasks)
        assert committed and all(r.outcome == "pending" for r in results)
        await writer.stop()

    asyncio.run(run())


def test_sync_routes_use_the_same_writer(client, outbox: Path) -> None:  # type: ignore[no-untyped-def]
    from tests.portal.support import csrf_of

    token = csrf_of(client.get("/object").text)
    data = {"csrf_token": token, "country": "ES", "email": "form@example.org"}
    sent = client.post("/object", data=data, follow_redirects=False)
    assert sent.status_code == 303
    portal: Portal = client.app.state.portal
    assert portal.writer.batches >= 1
    wait_for(lambda: len(eml_files(outbox)) == 1)


def test_signed_links_are_read_by_itsdangerous() -> None:
    """Links are signed without itsdangerous's zlib step; itsdangerous reads them all the same."""
    from itsdangerous import URLSafeTimedSerializer

    from optout.portal.links import _SALT

    secret = get_settings().secret
    signer = LinkSigner(secret)
    token = signer.confirm("0190abcdef0123456789abcdef012345")
    data = URLSafeTimedSerializer(secret, salt=_SALT).loads(token, max_age=60)
    assert data["p"] == "confirm" and data["o"] == "0190abcdef0123456789abcdef012345"
    assert signer.load(token, "confirm").jti == data["j"]
    tampered = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
    with pytest.raises(Exception, match="invalid"):
        signer.load(tampered, "confirm")


@dataclass
class HeldLock:
    """A registry, its group writer, and another connection holding SQLite's write lock
    (as the mail sender's process does now and then)."""

    registry: Registry
    writer: GroupWriter
    other: sqlite3.Connection


@pytest.fixture
def held_lock(tmp_path: Path) -> Iterator[HeldLock]:
    path = tmp_path / "held.db"
    with open_registry(f"sqlite:///{path}") as registry:
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            yield HeldLock(registry, GroupWriter(registry, lambda pairs: []), other)
        finally:
            other.close()


def test_the_loop_runs_on_while_another_process_holds_the_lock(held_lock: HeldLock) -> None:
    """The writer never sleeps in SQLite's busy handler: the loop serves on, and the batch
    commits once the lock is free."""
    writer = held_lock.writer

    async def run() -> None:
        task = asyncio.ensure_future(writer.submit_async(submission("held@example.org"), "en"))
        ticks, began = 0, time.monotonic()
        while time.monotonic() - began < 0.3:
            await asyncio.sleep(0.01)
            ticks += 1
        assert not task.done() and ticks >= 10
        held_lock.other.execute("COMMIT")
        result = await asyncio.wait_for(task, 10)
        assert result.outcome == "pending"
        await writer.stop()

    asyncio.run(run())
    with held_lock.registry.read_session() as session:
        assert session.execute(sa.text("SELECT count(*) FROM objections")).scalar_one() == 1


def test_a_lock_held_past_the_busy_timeout_fails_the_queued_submissions(
    held_lock: HeldLock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The writer's retries end: as SQLite's busy timeout would, after ``BUSY_TIMEOUT_S``
    of a lock held without a break, the waiting requests get RegistryBusy."""
    monkeypatch.setattr(group_commit, "BUSY_TIMEOUT_S", 0.2)
    writer = held_lock.writer

    async def run() -> None:
        with pytest.raises(RegistryBusy):
            await asyncio.wait_for(writer.submit_async(submission("late@example.org"), "en"), 10)
        held_lock.other.execute("COMMIT")
        result = await writer.submit_async(submission("later@example.org"), "en")
        assert result.outcome == "pending"
        await writer.stop()

    asyncio.run(run())
