"""The outbox sender in a child process, so mail delivery does not share the portal's GIL.

``SenderProcess`` has the thread's interface (``start``, ``wake``, ``stop``). The child
(``python -m optout.mail.worker``) opens the registry, delivers what is due, and then
waits on a pipe: the portal writes a byte after each commit that queued mail (a full pipe
means a wake-up is pending already; the child then waits ``gather`` seconds so that a
burst's mail goes out in a few large rounds), and closing the pipe tells the child to
finish its round and exit, which it also does when the portal dies. Settings (transport, secret)
come from the environment the child inherits; the registry URL is passed explicitly. The
child runs at a lower CPU priority (``nice`` 10) than the portal it serves.
"""

from __future__ import annotations

import argparse
import os
import select
import signal
import subprocess
import sys
import time
from contextlib import suppress

from optout.mail.sender import (
    BASE_DELAY_S,
    GATHER_S,
    IDLE_POLL_S,
    MAX_DELAY_S,
    OutboxSender,
    log,
)

NICENESS = 10  # mail waits a little; a request waiting for its answer yields to nothing


class SenderProcess:
    """Start, wake and stop the child process that delivers the outbox."""

    def __init__(
        self, database_url: str, *, batch: int = 50, base_delay: float = BASE_DELAY_S,
        max_delay: float = MAX_DELAY_S, idle_poll: float = IDLE_POLL_S, gather: float = GATHER_S,
    ) -> None:  # fmt: skip
        self.database_url = database_url
        self.options = [f"--batch={batch}", f"--base-delay={base_delay}",
                        f"--max-delay={max_delay}", f"--idle-poll={idle_poll}",
                        f"--gather={gather}"]  # fmt: skip
        self._child: subprocess.Popen[bytes] | None = None
        self._wake_fd: int | None = None

    def start(self) -> None:
        read_fd, write_fd = os.pipe()
        os.set_blocking(write_fd, False)
        try:
            self._child = subprocess.Popen(
                [sys.executable, "-m", "optout.mail.worker", str(read_fd), *self.options],
                pass_fds=(read_fd,), stdin=subprocess.DEVNULL,
                env={**os.environ, "OPTOUT_DATABASE_URL": self.database_url},
            )  # fmt: skip
        except BaseException:
            os.close(write_fd)
            raise
        finally:
            os.close(read_fd)
        self._wake_fd = write_fd

    def wake(self) -> None:
        """Tell the child that mail was committed (never blocks)."""
        if self._wake_fd is not None:
            with suppress(BlockingIOError, BrokenPipeError):
                os.write(self._wake_fd, b"\0")

    def stop(self, timeout: float = 10.0) -> None:
        """Let the child finish its round and exit (killed after ``timeout`` seconds)."""
        fd, self._wake_fd = self._wake_fd, None
        if fd is not None:
            os.close(fd)
        child, self._child = self._child, None
        if child is not None:
            try:
                child.wait(timeout)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()


def main(argv: list[str] | None = None) -> None:
    """The child: deliver, wait for a wake-up (or ``idle_poll``), until the pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the portal's to handle
    os.nice(NICENESS)
    parser = argparse.ArgumentParser(prog="optout.mail.worker")
    parser.add_argument("wake_fd", type=int)
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--base-delay", type=float, default=BASE_DELAY_S)
    parser.add_argument("--max-delay", type=float, default=MAX_DELAY_S)
    parser.add_argument("--idle-poll", type=float, default=IDLE_POLL_S)
    parser.add_argument("--gather", type=float, default=GATHER_S)
    args = parser.parse_args(argv)

    from optout.config import get_settings
    from optout.mail.transport import transport_from_settings
    from optout.registry import open_registry

    settings = get_settings()
    with open_registry(settings.database_url) as registry:
        sender = OutboxSender(registry, transport_from_settings(settings), batch=args.batch,
                              base_delay=args.base_delay, max_delay=args.max_delay)  # fmt: skip
        _round(sender)
        while _wait(args.wake_fd, args.idle_poll, args.gather):
            _round(sender)
        _round(sender)  # what the portal committed last


def _round(sender: OutboxSender) -> None:
    """Send until nothing is due; a failure (database busy or down) waits for the next round."""
    try:
        while sender.send_due():
            pass
    except Exception:
        log.exception("mail sender round failed")


def _wait(fd: int, timeout: float, gather: float) -> bool:
    """Wait for a wake-up (then ``gather`` seconds more, for the mail of the commits that
    follow it) or the timeout; False once the portal closed the pipe."""
    readable, _, _ = select.select([fd], [], [], timeout)
    if not readable:
        return True
    if not os.read(fd, 4096):
        return False
    time.sleep(gather)
    return True


if __name__ == "__main__":
    main()
