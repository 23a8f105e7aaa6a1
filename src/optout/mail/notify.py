"""``optout notify``: queue the AI-training notice to every in-scope account and record it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from optout.corpus.reader import ExportReader
from optout.mail.messages import DEFAULT_SENDER, build_message
from optout.portal.i18n import language_for_country
from optout.portal.links import LinkSigner
from optout.registry import Registry, notified_accounts, record_notice
from optout.registry.outbox import enqueue_mail

CHUNK = 500  # accounts per transaction


@dataclass(frozen=True, slots=True)
class Recipient:
    """An account to notify: its id, email and country."""

    account_id: str
    email: str
    country: str | None


@dataclass(slots=True)
class NotifyResult:
    """How many accounts were notified, had been already, or were out of scope."""

    notified: int = 0
    already_notified: int = 0
    skipped: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"notified": self.notified, "already_notified": self.already_notified,
                "skipped": self.skipped}  # fmt: skip


def recipients(reader: ExportReader, result: NotifyResult) -> Iterator[Recipient]:
    """Accounts with an email that are not deleted (others are counted as skipped)."""
    for batch in reader.accounts():
        columns = batch.select(["account_id", "email", "country", "deleted_at"]).to_pydict()
        for account_id, email, country, deleted_at in zip(*columns.values(), strict=True):
            if not email or deleted_at is not None:
                result.skipped += 1
                continue
            yield Recipient(account_id, email, country)


def notify_export(
    export_dir: Path, registry: Registry, signer: LinkSigner, *, base_url: str,
    sender: str = DEFAULT_SENDER, skip_invalid: bool = False, now: datetime | None = None,
) -> NotifyResult:  # fmt: skip
    """Queue one notice per in-scope account not yet notified, each with its personal link.

    The message and the registry's notice record commit in the same transaction, so a
    notice is recorded exactly when its email is durably queued for the sender.
    """
    now = now or datetime.now(UTC)
    result = NotifyResult()
    with registry.read_session() as session:
        done = notified_accounts(session, now)
    reader = ExportReader(export_dir, skip_invalid=skip_invalid)
    chunk: list[Recipient] = []
    for recipient in recipients(reader, result):
        if recipient.account_id in done:
            result.already_notified += 1
            continue
        chunk.append(recipient)
        if len(chunk) >= CHUNK:
            _queue_chunk(registry, signer, chunk, base_url, sender, now, result)
            chunk = []
    _queue_chunk(registry, signer, chunk, base_url, sender, now, result)
    return result


def _queue_chunk(
    registry: Registry, signer: LinkSigner, chunk: list[Recipient], base_url: str, sender: str,
    now: datetime, result: NotifyResult,
) -> None:  # fmt: skip
    if not chunk:
        return
    with registry.session() as session:
        for recipient in chunk:
            token = signer.notice(recipient.account_id, recipient.email)
            link = f"{base_url.rstrip('/')}/notice/{token}"
            message = build_message("notice", to=recipient.email, sender=sender, link=link,
                                    lang=language_for_country(recipient.country))  # fmt: skip
            enqueue_mail(session, kind="notice", recipient=recipient.email, message=message,
                         now=now)  # fmt: skip
            result.notified += record_notice(session, recipient.account_id, "email", now)
