"""Generated objection records shared by the import tests (some by email, some by account)."""

from __future__ import annotations

from typing import Any


def objection_record(i: int, distinct_emails: int | None = None) -> dict[str, Any]:
    """Objection number ``i``: varied identities, names, handles, pending or confirmed.

    With ``distinct_emails`` the emails repeat every that many records (updates, not inserts).
    """
    person = i if distinct_emails is None else i % distinct_emails
    record: dict[str, Any] = {
        "email": f"Person{person}@Example.org" if i % 10 else None,
        "account_id": f"acc-{i}" if i % 10 == 0 or i % 7 == 0 else None,
        "country": "es",
        "reason": "I object",
        "names": [f"Ana  Pérez {i}"] if i % 3 == 0 else [],
        "handles": [f"@user{i}"] if i % 5 == 0 else [],
        "submitted_at": f"2026-05-{1 + i % 28:02d}T10:00:00+02:00",
    }
    if i % 3:
        record["confirmed_at"] = f"2026-05-{1 + i % 28:02d}T12:00:00Z"
    return record
