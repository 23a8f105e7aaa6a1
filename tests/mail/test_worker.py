"""The sender's child process (``optout serve``): woken after commits, stopped by the portal."""

from __future__ import annotations

import time
from pathlib import Path

from optout.mail.messages import build_message
from optout.mail.worker import SenderProcess
from optout.registry import open_registry
from optout.registry.outbox import NewMail, enqueue_mails, mail_counts
from tests.portal.support import eml_files, wait_for


def queue(url: str, count: int) -> None:
    with open_registry(url) as registry, registry.session() as session:
        mails = [NewMail("confirmation", f"p{i}@example.org",
                         build_message("confirmation", to=f"p{i}@example.org", lang="en",
                                       link="x")) for i in range(count)]  # fmt: skip
        enqueue_mails(session, mails)


def test_child_delivers_when_woken_and_exits_when_stopped(
    isolated_env: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{isolated_env / 'registry.db'}"
    monkeypatch.setenv("OPTOUT_MAIL_OUTBOX", str(isolated_env / "out"))
    open_registry(url).close()
    sender = SenderProcess(url, idle_poll=60.0)  # only a wake-up makes it look
    sender.start()
    try:
        queue(url, 3)
        sender.wake()
        wait_for(lambda: len(eml_files(isolated_env / "out")) == 3, timeout=60)
        queue(url, 2)  # committed just before the stop: delivered on the way out
        child = sender._child
        began = time.monotonic()
    finally:
        sender.stop(timeout=60)
    assert child is not None and child.returncode == 0 and time.monotonic() - began < 60
    assert len(eml_files(isolated_env / "out")) == 5
    with open_registry(url) as registry, registry.read_session() as session:
        assert mail_counts(session) == {"pending": 0, "sent": 5, "failed": 0}
