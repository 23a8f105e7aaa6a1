"""Fixtures for the redaction tests: a pseudonymizer and a small people directory."""

from __future__ import annotations

import pyarrow as pa
import pytest

from optout.keys import Pseudonymizer
from optout.redact import PeopleDirectory, RedactionConfig, Redactor
from optout.redact.detectors import PII_LABELS

ACCOUNTS = {
    "account_id": ["a1", "a2", "a3", "a4", "a5", "a6"],
    "username": ["zoe_m", "ana", "hans99x", "marie.curie", "bob", "anna"],
    "display_name": ["Zoë Müller", "Ana", "Hans Meier", "Marie Curie", "Bob Ana Smith", "Anna"],
    "country": ["DE", "ES", "AT", "FR", "GB", None],
}


@pytest.fixture
def pseudonymizer() -> Pseudonymizer:
    return Pseudonymizer(b"test-secret")


@pytest.fixture
def directory(pseudonymizer: Pseudonymizer) -> PeopleDirectory:
    return PeopleDirectory.build(
        pa.table(ACCOUNTS), {"a3"}, ["Pedro Gómez"], ["pgomez"], pseudonymizer
    )


@pytest.fixture
def redactor(directory: PeopleDirectory, pseudonymizer: Pseudonymizer) -> Redactor:
    config = RedactionConfig(PII_LABELS, True, ("https://social.example/",))
    return Redactor(directory, config, pseudonymizer)
