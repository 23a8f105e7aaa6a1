"""Write sessions: a no-wait writer (the portal's event loop) never sleeps on a held lock."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest

from optout.registry import open_registry
from optout.registry.db import RegistryBusy
from optout.registry.outbox import NewMail, enqueue_mails, mail_counts


def test_a_no_wait_writer_is_told_at_once_when_another_process_writes(tmp_path) -> None:
    """``write_session(wait=False)`` raises RegistryBusy instead of sleeping in SQLite's busy
    handler while another connection holds the write lock; it writes once that is gone."""
    path = tmp_path / "busy.db"
    with open_registry(f"sqlite:///{path}") as registry:
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        began = time.monotonic()
        with pytest.raises(RegistryBusy), registry.write_session(wait=False):
            pass
        assert time.monotonic() - began < 1.0  # not the 60 s busy timeout
        other.execute("COMMIT")
        other.close()
        with registry.write_session(wait=False) as session:
            enqueue_mails(session, [NewMail("confirmation", "a@example.org", "x")])
            session.commit()
        with registry.read_session() as session:
            assert mail_counts(session)["pending"] == 1


def test_a_no_wait_writer_is_busy_while_a_thread_of_its_process_writes(tmp_path) -> None:
    with open_registry(f"sqlite:///{tmp_path / 'busy.db'}") as registry:
        holding, done = threading.Event(), threading.Event()

        def hold() -> None:
            with registry.session():
                holding.set()
                done.wait(10)

        thread = threading.Thread(target=hold)
        thread.start()
        holding.wait(10)
        try:
            with pytest.raises(RegistryBusy), registry.write_session(wait=False):
                pass
        finally:
            done.set()
            thread.join()
        with registry.write_session(wait=False) as session:
            session.rollback()
