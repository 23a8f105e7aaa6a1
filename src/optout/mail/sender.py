"""The outbox's background sender: claims due messages, sends them, retries with backoff."""

from __future__ import annotations

import logging
import random
import threading
from datetime import UTC, datetime, timedelta

from optout.mail.transport import PermanentFailure, Transport
from optout.registry import Registry
from optout.registry.outbox import claim_due_mail, fail_mail, mark_mail_sent, reschedule_mail

log = logging.getLogger("optout.mail")
BASE_DELAY_S = 1.0
MAX_DELAY_S = 300.0
IDLE_POLL_S = 5.0
GATHER_S = 0.25  # after a wake-up, let the burst's mail gather into one round


def backoff(attempts: int, base: float = BASE_DELAY_S, cap: float = MAX_DELAY_S) -> float:
    """Seconds before the next try after ``attempts`` failures: doubling, capped, jittered."""
    delay = min(cap, base * 2 ** max(attempts - 1, 0))
    return delay * random.uniform(0.8, 1.0)


class OutboxSender:
    """Delivers the outbox: ``send_due()`` once, or a thread (``start``/``wake``/``stop``).

    Woken after a commit that queued mail, the thread waits ``gather`` seconds before it
    looks: under load the mail of many commits then goes out in a few large rounds (two
    short transactions each) instead of one small round per commit, which would compete
    with the portal's writer for the registry's lock and the CPU."""

    def __init__(
        self,
        registry: Registry,
        transport: Transport,
        *,
        batch: int = 50,
        base_delay: float = BASE_DELAY_S,
        max_delay: float = MAX_DELAY_S,
        idle_poll: float = IDLE_POLL_S,
        gather: float = GATHER_S,
    ) -> None:
        self.registry = registry
        self.transport = transport
        self.batch = batch
        self.base_delay, self.max_delay, self.idle_poll = base_delay, max_delay, idle_poll
        self.gather = gather
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def send_due(self) -> int:
        """Send one batch of due messages; the number delivered."""
        with self.registry.session() as session:
            claimed = claim_due_mail(session, limit=self.batch)
        if not claimed:
            return 0
        results = self._deliver([(mail.recipient, mail.message) for mail in claimed])
        sent = [mail.id for mail, error in zip(claimed, results, strict=True) if error is None]
        with self.registry.session() as session:
            mark_mail_sent(session, sent)
            for mail, error in zip(claimed, results, strict=True):
                if error is not None:
                    self._failed(session, mail.id, mail.attempts, error)
        return len(sent)

    def _deliver(self, messages: list[tuple[str, str]]) -> list[Exception | None]:
        try:
            return self.transport.send_many(messages)
        except Exception as exc:  # the server is down or broke the connection: retry all
            return [exc] * len(messages)

    def _failed(self, session: object, mail_id: int, attempts: int, error: Exception) -> None:
        kind = type(error).__name__
        if isinstance(error, PermanentFailure):
            log.warning("mail %s refused for good: %s", mail_id, error)
            fail_mail(session, mail_id, error=str(error))  # type: ignore[arg-type]
            return
        delay = backoff(attempts, self.base_delay, self.max_delay)
        log.info("mail %s not sent (%s, attempt %s); retry in %.1f s", mail_id, kind, attempts,
                 delay)  # fmt: skip
        retry_at = datetime.now(UTC) + timedelta(seconds=delay)
        reschedule_mail(session, mail_id, error=kind, retry_at=retry_at)  # type: ignore[arg-type]

    def drain(self) -> int:
        """Send until nothing is due now (for the CLI and tests)."""
        total = 0
        while sent := self.send_due():
            total += sent
        return total

    def wake(self) -> None:
        """Ask the thread to look at the outbox now (a message was just committed)."""
        self._wake.set()

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="optout-mail", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                busy = self.send_due() > 0
            except Exception:  # the database is busy or down: the next round tries again
                log.exception("mail sender round failed")
                busy = False
            if not busy:
                if self._wake.wait(self.idle_poll):
                    self._stop.wait(self.gather)
                self._wake.clear()
