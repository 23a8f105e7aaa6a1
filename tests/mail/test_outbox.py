"""The outbox: queued in the caller's transaction, sent by the sender, retried with backoff."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest

from optout.config import get_settings
from optout.mail.messages import build_message
from optout.mail.notify import notify_export
from optout.mail.sender import OutboxSender, backoff
from optout.mail.transport import DirectoryTransport, PermanentFailure
from optout.portal.links import LinkSigner
from optout.registry import Registry, first_notices, open_registry
from optout.registry.outbox import enqueue_mail, mail_counts
from tests.portal.support import body_of, link_in, read_eml, wait_for


@pytest.fixture
def registry(database_url: str) -> Registry:
    opened = open_registry(database_url)
    yield opened
    opened.close()


class FlakyTransport:
    """Fails the first ``failures`` batches, then records what it is given."""

    def __init__(self, failures: int = 0, refuse: bool = False) -> None:
        self.failures, self.refuse, self.sent = failures, refuse, []

    def send_many(self, messages):  # type: ignore[no-untyped-def]
        if self.failures:
            self.failures -= 1
            raise ConnectionRefusedError("down")
        if self.refuse:
            return [PermanentFailure("refused with 550")] * len(messages)
        self.sent.extend(messages)
        return [None] * len(messages)


def queue(registry: Registry, count: int = 1) -> None:
    with registry.session() as session:
        for i in range(count):
            message = build_message("confirmation", to=f"p{i}@example.org", lang="en", link="x")
            enqueue_mail(session, kind="confirmation", recipient=f"p{i}@example.org",
                         message=message)  # fmt: skip


def test_a_message_rolled_back_with_its_transaction_is_never_sent(registry: Registry) -> None:
    with pytest.raises(RuntimeError), registry.session() as session:
        enqueue_mail(session, kind="confirmation", recipient="a@example.org", message="x")
        raise RuntimeError("the objection failed")
    with registry.read_session() as session:
        assert mail_counts(session)["pending"] == 0


def test_sender_delivers_and_forgets_the_recipient(registry: Registry, tmp_path: Path) -> None:
    queue(registry, 3)
    sender = OutboxSender(registry, DirectoryTransport(tmp_path / "out"))
    assert sender.drain() == 3
    files = sorted((tmp_path / "out").glob("*.eml"))
    assert len(files) == 3 and not list((tmp_path / "out").glob(".*"))
    with registry.read_session() as session:
        assert mail_counts(session) == {"pending": 0, "sent": 3, "failed": 0}
        from optout.registry.outbox import OutboxMail

        assert all(m.recipient is None and m.message is None
                   for m in session.query(OutboxMail))  # fmt: skip


def test_a_batch_of_files_is_complete_and_nothing_half_written_is_left(tmp_path: Path) -> None:
    transport = DirectoryTransport(tmp_path / "out")
    messages = [(f"p{i}@example.org", f"Subject: {i}\n\nbody {i}\n") for i in range(5)]
    assert transport.send_many(messages) == [None] * 5
    files = sorted((tmp_path / "out").iterdir())
    assert [p.suffix for p in files] == [".eml"] * 5
    assert {p.read_text() for p in files} == {message for _, message in messages}


def test_an_outbox_directory_that_cannot_be_written_loses_no_mail(
    registry: Registry, tmp_path: Path
) -> None:
    queue(registry, 2)
    blocked = tmp_path / "out"
    blocked.write_text("a file where the directory should be")
    sender = OutboxSender(registry, DirectoryTransport(blocked), base_delay=0.0, max_delay=0.0)
    assert sender.send_due() == 0
    with registry.read_session() as session:
        assert mail_counts(session)["pending"] == 2
    blocked.unlink()
    assert sender.drain() == 2 and len(list(blocked.glob("*.eml"))) == 2


def test_a_woken_sender_gathers_a_burst_into_one_round(registry: Registry) -> None:
    """After a wake-up the thread waits ``gather`` seconds: the mail of the commits that
    follow goes out in the same round."""

    class Batches:
        def __init__(self) -> None:
            self.sizes: list[int] = []

        def send_many(self, messages):  # type: ignore[no-untyped-def]
            self.sizes.append(len(messages))
            return [None] * len(messages)

    transport = Batches()
    sender = OutboxSender(registry, transport, idle_poll=60.0, gather=0.5)  # type: ignore[arg-type]
    first_round = threading.Event()
    look = sender.send_due

    def send_due() -> int:
        try:
            return look()
        finally:
            first_round.set()

    sender.send_due = send_due  # type: ignore[method-assign]
    sender.start()
    try:
        assert first_round.wait(10)  # the thread's first look (nothing due) is behind us
        queue(registry, 1)
        sender.wake()
        time.sleep(0.1)
        queue(registry, 2)
        sender.wake()
        wait_for(lambda: sum(transport.sizes) == 3, timeout=10)
    finally:
        sender.stop()
    assert transport.sizes == [3]


def test_outage_delays_mail_and_loses_none(registry: Registry) -> None:
    queue(registry, 4)
    transport = FlakyTransport(failures=2)
    sender = OutboxSender(registry, transport, base_delay=0.0, max_delay=0.0)
    assert sender.send_due() == 0
    assert sender.send_due() == 0
    assert sender.drain() == 4
    assert len(transport.sent) == 4


def test_permanent_refusal_is_not_retried(registry: Registry) -> None:
    queue(registry, 1)
    sender = OutboxSender(registry, FlakyTransport(refuse=True), base_delay=0.0)
    sender.send_due()
    with registry.read_session() as session:
        assert mail_counts(session)["failed"] == 1


def test_backoff_doubles_and_is_capped() -> None:
    assert 0.8 <= backoff(1, 1.0, 60) <= 1.0
    assert 6.4 <= backoff(4, 1.0, 60) <= 8.0
    assert backoff(30, 1.0, 60) <= 60


def write_export(directory: Path) -> Path:
    directory.mkdir()
    accounts = [
        {"account_id": "a1", "username": "ana", "email": "ana@example.org", "country": "ES",
         "created_at": "2020-01-01T00:00:00Z"},
        {"account_id": "a2", "username": "bo", "created_at": "2020-01-01T00:00:00Z"},
        {"account_id": "a3", "username": "cy", "email": "cy@example.org",
         "created_at": "2020-01-01T00:00:00Z", "deleted_at": "2021-01-01T00:00:00Z"},
        {"account_id": "a4", "username": "di", "email": "di@example.org", "country": "DE",
         "created_at": "2020-01-01T00:00:00Z"},
    ]  # fmt: skip
    (directory / "accounts.jsonl").write_text("".join(json.dumps(a) + "\n" for a in accounts))
    (directory / "content.jsonl").write_text("")
    return directory


def test_notify_queues_and_records_each_in_scope_account(
    registry: Registry, tmp_path: Path
) -> None:
    export = write_export(tmp_path / "export")
    signer = LinkSigner(get_settings().secret)
    result = notify_export(export, registry, signer, base_url="https://optout.example")
    assert result.as_dict() == {"notified": 2, "already_notified": 0, "skipped": 2}
    again = notify_export(export, registry, signer, base_url="https://optout.example")
    assert again.as_dict() == {"notified": 0, "already_notified": 2, "skipped": 2}
    with registry.read_session() as session:
        assert set(first_notices(session)) == {"a1", "a4"}
    OutboxSender(registry, DirectoryTransport(tmp_path / "out")).drain()
    mails = [read_eml(p) for p in sorted((tmp_path / "out").glob("*.eml"))]
    by_language = {m["Content-Language"]: m for m in mails}
    assert set(by_language) == {"es", "de"}
    link = link_in(by_language["de"])
    assert link.startswith("https://optout.example/notice/") and "@" not in link
    token = link.rsplit("/", 1)[1]
    assert signer.load(token, "notice").account_id in {"a1", "a4"}
    assert "Widerspruch" in body_of(by_language["de"])
