"""@handles of people outside the directory: found, keyed like an objection, surrogated."""

from __future__ import annotations

import pytest

from optout.keys import Pseudonymizer
from optout.redact import PLACEHOLDER, PeopleDirectory, RedactionConfig, Redactor
from optout.redact.detectors.handle import HandleDetector
from optout.redact.synthetic import is_surrogate


@pytest.mark.parametrize(
    ("text", "handles"),
    [
        ("Kommst du am Samstag? @quenerecker_m ist schon da", ["@quenerecker_m"]),
        ("@thornanwick_b and me", ["@thornanwick_b"]),
        ("thanks @ana.lopez, and @bo99!", ["@ana.lopez", "@bo99"]),
        ("mail ana@example.org or see https://x.example/@ana", ["@ana"]),
        ("meet @ 5pm, 2 @ 3 €, @2x.png, foo@@bar", []),
    ],
)
def test_handles_are_found_but_not_in_emails_or_prices(text: str, handles: list[str]) -> None:
    found = [text[s.start:s.end] for s in HandleDetector().find(text)]
    assert found == handles


def test_an_unknown_handle_gets_a_surrogate_handle_and_the_objection_key(
    redactor: Redactor, pseudonymizer: Pseudonymizer
) -> None:
    first = redactor.redact("Samstag? @quenerecker_m ist schon da", "de", "DE")
    again = redactor.redact("cc @Quenerecker_M", "de", "DE")
    surrogate = first.text.split()[1]
    assert surrogate.startswith("@") and "quenerecker" not in first.text
    assert surrogate in again.text  # the same handle, the same surrogate
    assert is_surrogate("handle", surrogate)
    assert first.person_keys == [pseudonymizer.name("@quenerecker_m")]  # what purge looks for
    assert first.counts == {"handle": 1}


def test_directory_handles_win_and_objectors_stay_the_placeholder(redactor: Redactor) -> None:
    result = redactor.redact("@pgomez and @zoe_m", None, None)
    assert result.text.startswith(PLACEHOLDER + " and @")
    assert result.mentions_objector


def test_off_with_the_name_detector(directory: PeopleDirectory, pseudonymizer: Pseudonymizer
                                    ) -> None:
    config = RedactionConfig(person_names=False, ner=False)
    result = Redactor(directory, config, pseudonymizer).redact("hi @someone_else", "en", None)
    assert result.text == "hi @someone_else"
