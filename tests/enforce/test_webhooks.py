"""Purge webhooks: signed POSTs to a real receiver on loopback, retried after a 5xx."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from optout.enforce.webhooks import notify_purge, sign, webhook_urls
from tests.conftest import TEST_SECRET


class Receiver(ThreadingHTTPServer):
    """Answers the queued status codes in turn (then 200), keeping every request."""

    def __init__(self, statuses: list[int]) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.statuses = statuses
        self.received: list[tuple[dict[str, str], bytes]] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/hook?token=s3cret"


class Handler(BaseHTTPRequestHandler):
    server: Receiver

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.received.append((dict(self.headers), body))
        status = self.server.statuses.pop(0) if self.server.statuses else 200
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *_args: Any) -> None:
        pass


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver([])
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(5)


def dataset(directory: Path) -> Path:
    directory.mkdir()
    manifest = {"table_id": "t-1", "version": 3, "watermark": 7}
    (directory / "manifest.json").write_text(json.dumps(manifest))
    return directory


def verify(headers: dict[str, str], body: bytes) -> bool:
    mac = hmac.new(TEST_SECRET.encode(), headers["X-Optout-Timestamp"].encode() + b"." + body,
                   hashlib.sha256)  # fmt: skip
    return hmac.compare_digest(headers["X-Optout-Signature"], "sha256=" + mac.hexdigest())


def test_a_purge_is_posted_signed_and_retried_after_a_500(
    receiver: Receiver, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    receiver.statuses = [500, 503]
    monkeypatch.setenv("OPTOUT_WEBHOOK_URLS", f" {receiver.url} ,")
    delays: list[float] = []
    notify_purge(dataset(tmp_path / "ds"), {"rows_removed": 4, "note": "ignored", "ok": True},
                 base_delay=0.01, sleep=delays.append)  # fmt: skip
    assert len(receiver.received) == 3 and delays == [0.01, 0.02]
    for headers, body in receiver.received:
        assert verify(headers, body) and headers["Content-Type"] == "application/json"
    payload = json.loads(receiver.received[-1][1])
    assert payload["counts"] == {"rows_removed": 4}
    assert (payload["dataset"], payload["version"], payload["watermark"]) == ("ds", 3, 7)
    assert not verify({**receiver.received[0][0], "X-Optout-Timestamp": "1"}, body)


def test_a_4xx_is_not_retried_and_an_unreachable_url_gives_up(
    receiver: Receiver, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    receiver.statuses = [410]
    monkeypatch.setenv("OPTOUT_WEBHOOK_URLS", f"{receiver.url},http://127.0.0.1:9/x?token=s3cret")
    delays: list[float] = []
    notify_purge(dataset(tmp_path / "ds"), {"rows_removed": 1}, attempts=3, sleep=delays.append)
    assert len(receiver.received) == 1 and len(delays) == 2
    assert "s3cret" not in caplog.text and "failed after 3 attempts" in caplog.text


def test_no_urls_no_requests(receiver: Receiver, tmp_path: Path) -> None:
    notify_purge(dataset(tmp_path / "ds"), {"rows_removed": 1})
    assert receiver.received == [] and webhook_urls(" , ") == []
    assert sign(b"k", "1", b"{}").startswith("sha256=")
