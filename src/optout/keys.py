"""Keyed pseudonyms (HMAC-SHA256 with the operator's secret) and email normalisation."""

from __future__ import annotations

import hmac
import unicodedata


def normalize_email(email: str) -> str:
    """Trim, NFC-normalise and case-fold an email address (interfaces §2)."""
    return unicodedata.normalize("NFC", email.strip()).casefold()


def normalize_name(name: str) -> str:
    """Normalise a person's name or handle for keying: NFC, case-folded, single spaces."""
    return " ".join(unicodedata.normalize("NFC", name).casefold().split()).lstrip("@")


class Pseudonymizer:
    """Derives unlinkable keys for people and items from the operator's secret.

    A key is ``HMAC-SHA256(secret, namespace + NUL + value)`` in hex. Namespaces keep an
    account id and an email that happen to be equal from getting the same key.
    """

    AUTHOR = "author"  # account_id of an author (also used in person_keys for accounts)
    EMAIL = "email"  # normalised email
    CONTENT = "content"  # content_id
    NAME = "name"  # normalised name or handle of a person without an account
    AUDIT = "audit"  # subjects of audit log entries

    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    def key(self, namespace: str, value: str) -> str:
        message = namespace.encode() + b"\0" + value.encode()
        return hmac.digest(self._secret, message, "sha256").hex()

    def author(self, account_id: str) -> str:
        return self.key(self.AUTHOR, account_id)

    def email(self, email: str) -> str:
        return self.key(self.EMAIL, normalize_email(email))

    def content(self, content_id: str) -> str:
        return self.key(self.CONTENT, content_id)

    def name(self, name: str) -> str:
        return self.key(self.NAME, normalize_name(name))
