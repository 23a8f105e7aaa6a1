"""The objection form: parsing and server-side validation (errors keyed by field, in order)."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from optout.policy.regions import EEA
from optout.registry.fields import FieldProblem, email_field

MAX_REASON = 2_000
MAX_ITEMS = 5
COUNTRIES = tuple(sorted(EEA))
# Error messages are msgids: they are translated when the page is rendered.
ERRORS = {
    "country": "Select the country you live in",
    "email_missing": "Enter your email address",
    "email_format": "Enter an email address in the correct format, like name@example.com",
    "reason": "Your reason must be 2,000 characters or fewer",
    "names_count": "Enter no more than 5 names",
    "names_words": "Enter each name as at least two words, like Ana Pérez",
    "handles": "Enter no more than 5 handles",
}


@dataclass(slots=True)
class ObjectionForm:
    """What the person typed (kept as typed, so the form can be shown again)."""

    email: str = ""
    country: str = ""
    reason: str = ""
    names: str = ""
    handles: str = ""
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def name_list(self) -> list[str]:
        return _lines(self.names)

    @property
    def handle_list(self) -> list[str]:
        return [h.lstrip("@") for h in re.split(r"[\s,]+", self.handles) if h.lstrip("@")]

    def values(self) -> dict[str, str]:
        data = asdict(self)
        data.pop("errors")
        return data


def _lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def parse_form(data: dict[str, Any]) -> ObjectionForm:
    """Read and validate the form; ``errors`` maps field to message, in page order."""
    fields = ("email", "country", "reason", "names", "handles")
    form = ObjectionForm(**{name: str(data.get(name) or "").strip() for name in fields})
    form.country = form.country.upper()
    checks = (("country", _country), ("email", _email), ("reason", _reason),
              ("names", _names), ("handles", _handles))  # fmt: skip
    for name, check in checks:
        problem = check(form)
        if problem:
            form.errors[name] = ERRORS[problem]
    return form


def _country(form: ObjectionForm) -> str | None:
    return None if form.country in COUNTRIES else "country"


def _email(form: ObjectionForm) -> str | None:
    if not form.email:
        return "email_missing"
    try:
        email_field({"email": form.email})
    except FieldProblem:
        return "email_format"
    return None


def _reason(form: ObjectionForm) -> str | None:
    return "reason" if len(form.reason) > MAX_REASON else None


def _names(form: ObjectionForm) -> str | None:
    names = form.name_list
    if len(names) > MAX_ITEMS:
        return "names_count"
    return "names_words" if any(len(name.split()) < 2 for name in names) else None


def _handles(form: ObjectionForm) -> str | None:
    return "handles" if len(form.handle_list) > MAX_ITEMS else None
