"""IPv4 and IPv6 addresses, validated with ``ipaddress``."""

from __future__ import annotations

import ipaddress
import re

from optout.redact.detectors.phone import has_cue, phone_region, real_phone_prefix
from optout.redact.spans import BaseDetector, Span
from optout.redact.synthetic import is_surrogate

# a leading character class (not a look-behind) lets the regex engine skip to the digits
_IPV4 = re.compile(r"\d(?<![\w.]\d)\d{0,2}\.\d{1,3}\.\d{1,3}\.\d{1,3}(?!\w|\.\d)")
_IPV6 = re.compile(r"(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![\w:])")
_HEX_DIGIT = re.compile(r"\d")


def _is_ipv6(candidate: str) -> bool:
    if "::" not in candidate and candidate.count(":") != 7:
        return False
    if not _HEX_DIGIT.search(candidate) or candidate.count(":") < 2:
        return False
    try:
        ipaddress.IPv6Address(candidate)
    except ValueError:
        return False
    return sum(1 for group in candidate.split(":") if group) >= 2


def _might_hold_ipv6(text: str) -> bool:
    """An IPv6 address has ``::`` or seven colons (see ``_is_ipv6``)."""
    return "::" in text or text.count(":") >= 7


def _is_phone(text: str, start: int, candidate: str, region: str | None) -> bool:
    """A dotted number announced as a phone number ("Tel: 34.66.73.99") that is one in the
    writer's region: Danish and Norwegian numbers are often written like an IPv4 address."""
    return has_cue(text, start) and real_phone_prefix(
        candidate, phone_region(region), lambda: True) == candidate


def _is_ipv4(candidate: str) -> bool:
    try:
        ipaddress.IPv4Address(candidate)
    except ValueError:
        return False
    return True


class IpDetector(BaseDetector):
    """Finds dotted-quad IPv4 and colon-hex IPv6 addresses; version strings have too few parts."""

    labels = frozenset({"ip"})
    min_digits = 3  # the Redactor checks it; "fe80::1" has three

    def might_contain(self, text: str) -> bool:
        return text.count(".") >= 3 or _might_hold_ipv6(text)

    def find(self, text: str, region: str | None = None) -> list[Span]:
        spans = [Span(m.start(), m.end(), "ip") for m in _IPV4.finditer(text)
                 if _is_ipv4(m.group()) and not _is_phone(text, m.start(), m.group(), region)
                 ] if text.count(".") >= 3 else []
        if _might_hold_ipv6(text):
            spans += [Span(m.start(), m.end(), "ip") for m in _IPV6.finditer(text)
                      if _is_ipv6(m.group())]
        return [s for s in spans if not is_surrogate("ip", text[s.start:s.end])]
