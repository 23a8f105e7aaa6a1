"""What the portal does: each flow changes the registry and queues its email in one transaction."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import PurePath
from typing import Any, Protocol

from sqlalchemy.orm import Session

from optout.mail.messages import build_message
from optout.portal.config import PortalConfig
from optout.portal.forms import ObjectionForm
from optout.portal.group_commit import GroupWriter, Queued
from optout.portal.links import Link, LinkProblem, LinkSigner
from optout.portal.security import RateLimiter
from optout.registry import (
    ObjectionNotFound,
    ObjectionWithdrawn,
    Registry,
    confirm_objection,
    get_objection,
    withdraw_objection,
)
from optout.registry.models import Objection
from optout.registry.objections import new_objection_id
from optout.registry.outbox import NewMail, enqueue_mail, link_used, use_link
from optout.registry.submissions import Submission, Submitted, submission_row


class MailSender(Protocol):
    """The outbox's sender: a thread (``OutboxSender``) or a child process (``SenderProcess``)."""

    def start(self) -> None: ...
    def wake(self) -> None: ...
    def stop(self, timeout: float = 10.0) -> None: ...


@dataclass
class Portal:
    """Everything the routes need: the registry, link signer, limits, the objection writer
    (group commit) and the mail sender."""

    registry: Registry
    signer: LinkSigner
    config: PortalConfig
    sender: MailSender | None = None
    ip_limiter: RateLimiter = field(init=False)
    address_limiter: RateLimiter = field(init=False)
    writer: GroupWriter = field(init=False)

    def __post_init__(self) -> None:
        self.ip_limiter = RateLimiter(self.config.ip_limit_per_minute, 60.0)
        self.address_limiter = RateLimiter(self.config.address_limit_per_hour, 3600.0)
        self.writer = GroupWriter(self.registry, lambda pairs: _compose(self, pairs),
                                  committed=self.mail_committed)  # fmt: skip

    @contextmanager
    def writing(self) -> Iterator[Session]:
        """A write transaction (on SQLite the registry lets one writer in at a time)."""
        with self.registry.session() as session:
            yield session

    def mail_committed(self) -> None:
        if self.sender is not None:
            self.sender.wake()


@dataclass(frozen=True, slots=True)
class ObjectionView:
    """What the confirmation and status pages show (no email address)."""

    reference: str
    status: str
    country: str | None
    submitted_at: datetime | None
    confirmed_at: datetime | None
    withdrawn_at: datetime | None
    status_token: str


def reference_of(objection_id: str) -> str:
    """A short reference number for people: the random tail of the id, grouped."""
    tail = objection_id[-12:].upper()
    return f"{tail[:4]}-{tail[4:8]}-{tail[8:]}"


def request_objection(
    portal: Portal, form: ObjectionForm, lang: str, *, source: str, notice_token: str | None
) -> ObjectionView | None:
    """Record (or refresh) an objection and queue its email; the caller answers the same
    whatever happened (a known address, an unknown one, or one over its mail limit).

    The objection is written by the group writer with others in one transaction; this
    returns once that transaction committed. Returns the confirmed objection only for a
    valid notice link issued to this address.
    """
    submission = _submission(portal, form, source, notice_token)
    if submission is None:
        return None
    prepared = _prepared_mail(portal, submission, lang)
    return _confirmed_view(portal, portal.writer.submit(submission, lang, prepared))


async def request_objection_async(
    portal: Portal, form: ObjectionForm, lang: str, *, source: str, notice_token: str | None
) -> ObjectionView | None:
    """``request_objection`` for async routes (no thread is held while the batch commits)."""
    submission = _submission(portal, form, source, notice_token)
    if submission is None:
        return None
    prepared = _prepared_mail(portal, submission, lang)
    return _confirmed_view(portal, await portal.writer.submit_async(submission, lang, prepared))


def _submission(
    portal: Portal, form: ObjectionForm, source: str, notice_token: str | None
) -> Submission | None:
    """The validated submission, or None for an address over its mail limit."""
    limiter = portal.address_limiter
    if limiter.limit > 0 and not limiter.allow(portal.signer.email_key(form.email)):
        return None
    notice = _notice(portal.signer, notice_token, form.email)
    row = submission_row(
        email=form.email, account_id=notice.account_id if notice else None,
        country=form.country or None, reason=form.reason or None, names=form.name_list,
        handles=form.handle_list,
    )  # fmt: skip
    return Submission(row, confirm=notice is not None, source=source, new_id=new_objection_id())


@dataclass(frozen=True, slots=True)
class PreparedMail:
    """An email composed before the write, for the outcome a new address has."""

    objection_id: str
    outcome: str
    mail: NewMail


def _prepared_mail(portal: Portal, submission: Submission, lang: str) -> PreparedMail:
    """Compose, while the writer is busy, the email of the likely outcome: a new objection
    (pending, or confirmed through a notice). ``_compose`` uses it when that is what
    happened, and composes another when the address was known."""
    assert submission.new_id is not None
    outcome = "confirmed" if submission.confirm else "pending"
    mail = _mail(portal, outcome, submission.new_id, submission.row.email or "", lang)
    return PreparedMail(submission.new_id, outcome, mail)


def _compose(portal: Portal, pairs: Sequence[tuple[Queued, Submitted]]) -> list[NewMail]:
    """The email each submission of a batch sends (in the batch's transaction)."""
    mails = []
    for item, done in pairs:
        prepared = item.prepared
        if (
            isinstance(prepared, PreparedMail) and prepared.objection_id == done.objection_id
            and prepared.outcome == done.outcome and prepared.mail.recipient == (done.email or "")
        ):  # fmt: skip
            mails.append(prepared.mail)
        else:
            mails.append(_mail(portal, done.outcome, done.objection_id, done.email or "",
                               item.lang))  # fmt: skip
    return mails


def _mail(portal: Portal, outcome: str, objection_id: str, recipient: str, lang: str) -> NewMail:
    """The email of one outcome: a confirmation link, a receipt, or a status link."""
    if outcome == "already_confirmed":
        kind, values = "already_confirmed", {"link": _status_link(portal, objection_id)}
    elif outcome == "confirmed":
        kind = "receipt"
        values = {"link": _status_link(portal, objection_id),
                  "reference": reference_of(objection_id)}  # fmt: skip
    else:
        kind = "confirmation"
        values = {"link": portal.config.url(f"/confirm/{portal.signer.confirm(objection_id)}")}
    message = build_message(kind, to=recipient, lang=lang, sender=portal.config.mail_from,
                            **values)  # fmt: skip
    return NewMail(kind, recipient, message)


def _status_link(portal: Portal, objection_id: str) -> str:
    return portal.config.url(f"/status/{portal.signer.status(objection_id)}")


def _confirmed_view(portal: Portal, done: Submitted) -> ObjectionView | None:
    if done.outcome != "confirmed":
        return None
    return ObjectionView(
        reference=reference_of(done.objection_id), status=done.status, country=done.country,
        submitted_at=done.submitted_at, confirmed_at=done.confirmed_at,
        withdrawn_at=done.withdrawn_at, status_token=portal.signer.status(done.objection_id),
    )  # fmt: skip


def _notice(signer: LinkSigner, token: str | None, email: str) -> Link | None:
    """The notice link, when valid and issued for this very address (else None)."""
    if not token:
        return None
    try:
        link = signer.load(token, "notice")
    except LinkProblem:
        return None
    return link if link.email_key == signer.email_key(email) else None


def _queue(portal: Portal, session: Any, kind: str, objection: Objection, lang: str,
           **values: object) -> None:  # fmt: skip
    recipient = objection.email or ""
    message = build_message(kind, to=recipient, lang=lang, sender=portal.config.mail_from,
                            **values)  # fmt: skip
    enqueue_mail(session, kind=kind, recipient=recipient, message=message)


def _queue_receipt(portal: Portal, session: Any, objection: Objection, lang: str) -> None:
    link = portal.config.url(f"/status/{portal.signer.status(objection.id)}")
    _queue(portal, session, "receipt", objection, lang, link=link,
           reference=reference_of(objection.id))  # fmt: skip


def check_confirm_link(portal: Portal, token: str) -> Link:
    """The confirm link, if it can still be used; LinkProblem explains why not."""
    link = portal.signer.load(token, "confirm")
    with portal.registry.read_session() as session:
        if link.jti is None or link_used(session, link.jti):
            raise LinkProblem("used")
    return link


def confirm(portal: Portal, token: str, lang: str) -> ObjectionView:
    """Use a confirm link once: confirm the objection and queue its receipt."""
    link = portal.signer.load(token, "confirm")
    with portal.writing() as session:
        if link.jti is None or not use_link(session, link.jti):
            raise LinkProblem("used")
        objection = _objection(session, link)
        was_pending = objection.status == "pending"
        try:
            objection = confirm_objection(session, objection.id)
        except ObjectionWithdrawn as exc:
            raise LinkProblem("withdrawn") from exc
        if was_pending:
            _queue_receipt(portal, session, objection, lang)
        view = _view(portal, objection)
    portal.mail_committed()
    return view


def status(portal: Portal, token: str) -> ObjectionView:
    """The objection a status link names."""
    link = portal.signer.load(token, "status")
    with portal.registry.read_session() as session:
        return _view(portal, _objection(session, link))


@dataclass(frozen=True, slots=True)
class DatasetUse:
    """A dataset that held the person's posts: its versions, the models trained, removal."""

    name: str
    versions: str
    models: list[str]
    removed_at: datetime | None


def status_with_lineage(
    portal: Portal, token: str
) -> tuple[ObjectionView, list[DatasetUse] | None]:
    """The objection a status link names and, once confirmed, where its person's data went."""
    link = portal.signer.load(token, "status")
    with portal.registry.read_session() as session:
        objection = _objection(session, link)
        uses = _data_uses(portal, session, objection) if objection.status == "confirmed" else None
        return _view(portal, objection), uses


def _data_uses(portal: Portal, session: Session, objection: Objection) -> list[DatasetUse]:
    from optout.enforce.lineage import lookup_person

    found = lookup_person(session, portal.registry.pseudonymizer, objection.email, objection)
    return [
        DatasetUse(
            name=PurePath(item.path).name,
            versions=", ".join(str(v.version) for v in item.versions if v.holds),
            models=[f"{model.name} {model.version}" for model in item.models],
            removed_at=item.removed_at,
        )
        for item in found
    ]


def withdraw(portal: Portal, token: str) -> ObjectionView:
    """Withdraw the objection a status link names."""
    link = portal.signer.load(token, "status")
    with portal.writing() as session:
        return _view(portal, withdraw_objection(session, _objection(session, link).id))


def _objection(session: Any, link: Link) -> Objection:
    try:
        return get_objection(session, link.objection_id or "")
    except ObjectionNotFound as exc:
        raise LinkProblem("invalid") from exc


def _view(portal: Portal, objection: Objection) -> ObjectionView:
    return ObjectionView(
        reference=reference_of(objection.id), status=objection.status,
        country=objection.country, submitted_at=objection.submitted_at,
        confirmed_at=objection.confirmed_at, withdrawn_at=objection.withdrawn_at,
        status_token=portal.signer.status(objection.id),
    )  # fmt: skip
