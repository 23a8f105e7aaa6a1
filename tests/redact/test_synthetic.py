"""is_surrogate: reserved ranges and failing checksums are ours, everything else is real."""

import pytest

from optout.redact import PLACEHOLDER, is_surrogate


@pytest.mark.parametrize(
    ("label", "value", "expected"),
    [
        ("email", "user1@surrogate.invalid", True),
        ("email", "ana@example.org", False),
        ("ip", "192.0.2.9", True),
        ("ip", "198.51.100.9", False),
        ("ip", "2001:db8::5", True),
        ("ip", "2a00::5", False),
        ("url", "https://profile.invalid/u/abc", True),
        ("url", "https://example.org/@ana", False),
        ("iban", "DE00 3704 0044 0532 0130 00", True),
        ("iban", "DE89 3704 0044 0532 0130 00", False),
        ("card", "4111 1111 1111 1112", True),
        ("card", "4111 1111 1111 1111", False),
        ("national_id", "12345678A", True),
        ("national_id", "12345678Z", False),
        ("person", PLACEHOLDER, True),
        ("handle", "@lena_vogt", True),
    ],
)
def test_is_surrogate(label: str, value: str, expected: bool) -> None:
    assert is_surrogate(label, value) is expected


def test_phones_in_fiction_ranges_or_invalid_are_surrogates() -> None:
    assert is_surrogate("phone", "+44 7700 900123")
    assert is_surrogate("phone", "01 99 00 12 34", "FR")
    assert not is_surrogate("phone", "+49 30 12345678")


def test_unknown_labels_are_an_error() -> None:
    with pytest.raises(ValueError, match="unknown redaction label"):
        is_surrogate("shoe_size", "44")
