"""Phone numbers: a fast candidate regex, then validation with phonenumbers."""

from __future__ import annotations

import re
from functools import cache, lru_cache

import phonenumbers

from optout.redact.detectors.numbers import MIN_DIGITS, digits_of, might_hold_number
from optout.redact.spans import BaseDetector, Span
from optout.redact.synthetic import is_fiction_phone

_SEP = r"[ \-./]{0,2}"
_END = r"(?!\w|[\-./ ]?\d)"  # a candidate takes whole digit groups
_CANDIDATE = re.compile(
    rf"(?<![\w+#])(?:\+\d|00\d|\(\d)(?:{_SEP}(?:\(0\){_SEP})?[()]?\d){{6,16}}{_END}"
    rf"|(?<![\w+\-./#])(?<!\d )\d(?:{_SEP}\(?\d\)?){{6,14}}{_END}"
)
_DATE = re.compile(r"\d{1,4}[./\-]\d{1,2}[./\-]\d{1,4}|\d{1,2}:\d{2}")
_TRAILING_GROUP = re.compile(r"[ \-./]+\(?\d+\)?$")
REGION_ALIASES = {"UK": "GB", "EL": "GR"}


def phone_region(region: str | None) -> str | None:
    """The phonenumbers region for an ISO country code (UK and EL spelled the EU way)."""
    if not region:
        return None
    region = region.upper()
    return REGION_ALIASES.get(region, region)


@cache
def trunk_prefix(region: str) -> str | None:
    """The national (trunk) prefix a region's numbers start with when dialled at home."""
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
    return metadata.national_prefix if metadata is not None else None


def _lacks_trunk_prefix(candidate: str, region: str | None) -> bool:
    """A national-format candidate that does not start with its region's trunk prefix
    (``0`` in DE, FR, NL, ...): an order number, not a phone number."""
    if region is None or candidate.startswith(("+", "00")):
        return False
    prefix = trunk_prefix(region)
    return bool(prefix) and not candidate.lstrip("(").startswith(prefix)


def parse_phone(candidate: str, region: str | None) -> phonenumbers.PhoneNumber | None:
    """Parse ``candidate`` as international (``+``/``00``) or national in ``region``."""
    text = "+" + candidate[2:] if candidate.startswith("00") else candidate
    if not text.startswith("+") and region is None:
        return None
    try:
        return phonenumbers.parse(text, None if text.startswith("+") else region)
    except phonenumbers.NumberParseException:
        return None


@lru_cache(maxsize=8192)
def is_real_phone(candidate: str, region: str | None) -> bool:
    """Valid by the numbering plan and outside the blocks reserved for fiction."""
    number = parse_phone(candidate, region)
    if number is None or not phonenumbers.is_valid_number(number):
        return False
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return not is_fiction_phone(e164)


def _valid_prefix(candidate: str, region: str | None) -> str | None:
    """The longest prefix of ``candidate`` (dropping trailing digit groups) that is a phone."""
    for _ in range(3):
        if len(digits_of(candidate)) < 7:
            return None
        if is_real_phone(candidate, region):
            return candidate
        shorter = _TRAILING_GROUP.sub("", candidate)
        if shorter == candidate:
            return None
        candidate = shorter
    return None


class PhoneDetector(BaseDetector):
    """Finds ``+CC``/``00CC`` numbers anywhere, and national formats of the writer's region.

    Dates and times are never candidates; a national number is only looked for when the
    writer's region is known.
    """

    numeric = True
    min_digits = MIN_DIGITS
    labels = frozenset({"phone"})

    def might_contain(self, text: str) -> bool:
        return might_hold_number(text)

    def find(self, text: str, region: str | None = None) -> list[Span]:
        region = phone_region(region)
        spans = []
        for match in _CANDIDATE.finditer(text):
            candidate = match.group()
            if _DATE.search(candidate) or _lacks_trunk_prefix(candidate, region):
                continue
            valid = _valid_prefix(candidate, region)
            if valid is not None:
                spans.append(Span(match.start(), match.start() + len(valid), "phone"))
        return spans
