"""Who a set of objections covers: author, email and name keys, names and handles."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from optout.keys import Pseudonymizer


@dataclass
class Coverage:
    """Keys (never raw identities) of what a verify or purge must find in a dataset.

    ``names`` and ``handles`` are objectors' own words, needed to find them in text; they
    are never printed or written anywhere.
    """

    author_keys: set[str] = field(default_factory=set)
    email_keys: set[str] = field(default_factory=set)
    name_keys: set[str] = field(default_factory=set)
    names: set[str] = field(default_factory=set)
    handles: set[str] = field(default_factory=set)
    content_keys: set[str] = field(default_factory=set)  # single items (purge --export)
    objection_ids: list[str] = field(default_factory=list)
    resolved_emails: set[str] = field(default_factory=set)

    def __bool__(self) -> bool:
        return bool(self.author_keys or self.email_keys or self.name_keys or self.content_keys)

    @property
    def person_keys(self) -> set[str]:
        """Keys that may appear in ``person_keys``: authors and people without accounts."""
        return self.author_keys | self.name_keys

    def update(self, other: Coverage) -> None:
        self.author_keys |= other.author_keys
        self.email_keys |= other.email_keys
        self.name_keys |= other.name_keys
        self.names |= other.names
        self.handles |= other.handles
        self.content_keys |= other.content_keys
        self.objection_ids += other.objection_ids

    def resolve_emails(self, authors_of_email: Mapping[str, Iterable[str]]) -> set[str]:
        """Add the authors of covered emails; returns the email keys still unresolved."""
        for email_key in self.email_keys:
            authors = set(authors_of_email.get(email_key, ()))
            self.author_keys |= authors
            if authors:
                self.resolved_emails.add(email_key)
        return self.email_keys - self.resolved_emails

    def summary(self) -> dict[str, int]:
        """Counts only: safe to print and to audit."""
        return {
            "objections": len(self.objection_ids),
            "authors": len(self.author_keys),
            "emails": len(self.email_keys),
            "names": len(self.names) + len(self.handles),
            "items": len(self.content_keys),
        }


def coverage_of(objections: Iterable[object], pseudonymizer: Pseudonymizer) -> Coverage:
    """What confirmed objections (registry ``Objection`` rows) cover."""
    coverage = Coverage()
    for objection in objections:
        coverage.objection_ids.append(objection.id)  # type: ignore[attr-defined]
        account_id = getattr(objection, "account_id", None)
        email = getattr(objection, "email_normalized", None)
        if account_id:
            coverage.author_keys.add(pseudonymizer.author(account_id))
        if email:
            coverage.email_keys.add(pseudonymizer.email(email))
        for name in getattr(objection, "names", None) or ():
            coverage.names.add(name)
            coverage.name_keys.add(pseudonymizer.name(name))
        for handle in getattr(objection, "handles", None) or ():
            coverage.handles.add(handle.lstrip("@"))
            coverage.name_keys.add(pseudonymizer.name(handle))
    return coverage
