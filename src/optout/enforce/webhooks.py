"""Purge webhooks: a signed JSON POST (no personal data) to each URL in OPTOUT_WEBHOOK_URLS."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from optout.config import get_settings

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Optout-Signature"
TIMESTAMP_HEADER = "X-Optout-Timestamp"
EVENT_HEADER = "X-Optout-Event"
EVENT = "dataset.purged"
ATTEMPTS = 5
BASE_DELAY_S = 1.0
MAX_DELAY_S = 30.0
TIMEOUT_S = 10.0


def webhook_urls(setting: str | None) -> list[str]:
    """The comma-separated URLs of OPTOUT_WEBHOOK_URLS (blank entries ignored)."""
    return [url.strip() for url in (setting or "").split(",") if url.strip()]


def sign(secret: bytes, timestamp: str, body: bytes) -> str:
    """``sha256=`` + HMAC-SHA256(secret, timestamp + "." + body), hex: binds the time to it."""
    mac = hmac.new(secret, timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def purge_payload(dataset_dir: Path, summary: dict[str, Any]) -> dict[str, Any]:
    """What a receiver is told: the dataset, its version and watermark, counts. Nothing else."""
    from optout.pipeline.manifest import read_manifest

    manifest = read_manifest(dataset_dir) if (dataset_dir / "manifest.json").is_file() else {}
    counts = {key: value for key, value in summary.items()
              if isinstance(value, int) and not isinstance(value, bool)}  # fmt: skip
    return {
        "event": EVENT,
        "dataset": dataset_dir.resolve().name,
        "table_id": manifest.get("table_id"),
        "version": manifest.get("version"),
        "watermark": manifest.get("watermark"),
        "counts": counts,
        "sent_at": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
    }


def notify_purge(
    dataset_dir: Path,
    summary: dict[str, Any],
    *,
    attempts: int = ATTEMPTS,
    base_delay: float = BASE_DELAY_S,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """POST the purge to every configured webhook; failures are logged, never raised."""
    settings = get_settings()
    urls = webhook_urls(settings.webhook_urls)
    if not urls:
        return
    body = json.dumps(purge_payload(dataset_dir, summary), sort_keys=True).encode()
    for url in urls:
        delivered = deliver(url, body, settings.secret, attempts=attempts,
                            base_delay=base_delay, sleep=sleep)  # fmt: skip
        if not delivered:
            log.warning("purge webhook to %s failed after %d attempts", _host(url), attempts)


def deliver(
    url: str, body: bytes, secret: bytes, *, attempts: int = ATTEMPTS,
    base_delay: float = BASE_DELAY_S, sleep: Callable[[float], None] = time.sleep,
) -> bool:  # fmt: skip
    """POST ``body`` to ``url``, retrying 5xx and connection errors with doubling delays."""
    for attempt in range(attempts):
        outcome = _post_once(url, body, secret)
        if outcome is not None:
            return outcome
        if attempt + 1 < attempts:
            sleep(min(MAX_DELAY_S, base_delay * 2**attempt))
    return False


def _post_once(url: str, body: bytes, secret: bytes) -> bool | None:
    """True when delivered, False on a refusal not worth retrying (4xx), None to retry."""
    timestamp = str(int(time.time()))
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": "application/json", "User-Agent": "optout-webhook/1",
        EVENT_HEADER: EVENT, TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: sign(secret, timestamp, body),
    })  # fmt: skip
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
            return 200 <= response.status < 300
    except urllib.error.HTTPError as exc:
        log.info("purge webhook to %s answered %d", _host(url), exc.code)
        return None if exc.code >= 500 else False
    except (urllib.error.URLError, OSError) as exc:
        log.info("purge webhook to %s: %s", _host(url), type(exc).__name__)
        return None


def _host(url: str) -> str:
    """The host only: a webhook URL may carry a token in its path or query."""
    return urlsplit(url).netloc.rpartition("@")[2] or "?"
