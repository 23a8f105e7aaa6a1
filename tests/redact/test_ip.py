"""IpDetector."""

import pytest

from optout.redact.detectors import IpDetector


def found(text: str) -> list[str]:
    return [text[s.start:s.end] for s in IpDetector().find(text)]


@pytest.mark.parametrize("ip", ["192.168.1.20", "8.8.8.8", "2a00:1450:4001:82a::200e",
                                "fe80::1", "2001:0db9:0000:0000:0000:0000:0000:0001"])
def test_finds_addresses(ip: str) -> None:
    assert found(f"from {ip}.") == [ip]


@pytest.mark.parametrize("text", ["version 1.2.3", "v1.2.3.4", "1.2.3.4.5", "999.1.1.1",
                                  "at 10:30:00", "std::vector", "192.168.01.1"])
def test_ignores_versions_times_and_invalid(text: str) -> None:
    assert found(text) == []


def test_documentation_ranges_are_surrogates() -> None:
    assert found("192.0.2.7 and 2001:db8::1") == []
