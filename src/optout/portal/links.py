"""Signed, expiring links: confirm (single use), status, and a notice's personal form link."""

from __future__ import annotations

import hmac
import json
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from itsdangerous.encoding import base64_encode, int_to_bytes

from optout.keys import Pseudonymizer

CONFIRM_TTL = timedelta(hours=48)
STATUS_TTL = timedelta(days=30)
NOTICE_TTL = timedelta(days=90)
_SALT = "optout.portal.link.v1"


class LinkProblem(Exception):
    """A link that cannot be used; ``reason`` is ``expired``, ``used`` or ``invalid``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Link:
    """What a verified link grants."""

    purpose: str
    objection_id: str | None = None
    account_id: str | None = None
    email_key: str | None = None
    jti: str | None = None


class LinkSigner:
    """Signs and verifies the portal's links with the operator's secret."""

    def __init__(self, secret: bytes) -> None:
        self._serializer = URLSafeTimedSerializer(secret, salt=_SALT)
        self._pseudonymizer = Pseudonymizer(secret)
        self._key = self._serializer.make_signer().derive_key()

    def confirm(self, objection_id: str) -> str:
        """A single-use link that confirms ``objection_id`` (by a POST from its page)."""
        return self._dump({"p": "confirm", "o": objection_id, "j": secrets.token_hex(12)})

    def status(self, objection_id: str) -> str:
        """A link to the status page (and withdrawal) of ``objection_id``."""
        return self._dump({"p": "status", "o": objection_id})

    def notice(self, account_id: str, email: str) -> str:
        """A notice's personal link: it proves the holder reads ``email``."""
        return self._dump({"p": "notice", "a": account_id, "e": self.email_key(email)})

    def email_key(self, email: str) -> str:
        return self._pseudonymizer.email(email)

    def load(self, token: str, purpose: str) -> Link:
        """Verify a token of ``purpose``; LinkProblem('expired' | 'invalid') otherwise."""
        ttl = {"confirm": CONFIRM_TTL, "status": STATUS_TTL, "notice": NOTICE_TTL}[purpose]
        try:
            data = self._serializer.loads(token, max_age=int(ttl.total_seconds()))
        except SignatureExpired as exc:
            raise LinkProblem("expired") from exc
        except BadSignature as exc:
            raise LinkProblem("invalid") from exc
        if not isinstance(data, dict) or data.get("p") != purpose:
            raise LinkProblem("invalid")
        return Link(purpose, data.get("o"), data.get("a"), data.get("e"), data.get("j"))

    def _dump(self, payload: dict[str, str]) -> str:
        """``URLSafeTimedSerializer.dumps`` without its zlib attempt (a link's few dozen
        bytes never shrink, and zlib's set-up costs more than the rest) and without
        deriving the key again for every link; ``load`` (itsdangerous) reads it as its own.
        """
        value = base64_encode(_compact_json(payload).encode()) + b"." + base64_encode(
            int_to_bytes(int(time.time()))
        )
        signature = base64_encode(hmac.digest(self._key, value, "sha1"))
        return (value + b"." + signature).decode("ascii")


_compact_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
