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


@lru_cache(maxsize=8192)
def parse_phone(candidate: str, region: str | None) -> phonenumbers.PhoneNumber | None:
    """Parse ``candidate`` as international (``+``/``00``) or national in ``region``
    (memoised: the surrogate of a number reuses the detector's parse; do not modify it)."""
    text = "+" + candidate[2:] if candidate.startswith("00") else candidate
    if not text.startswith("+") and region is None:
        return None
    try:
        return phonenumbers.parse(text, None if text.startswith("+") else region)
    except phonenumbers.NumberParseException:
        return None


# the number-type descriptions phonenumbers tries: a number is valid when it matches the
# general description and at least one of these (``phonenumbers._number_type_helper``)
_TYPE_DESCS = ("premium_rate", "toll_free", "shared_cost", "voip", "personal_number", "pager",
               "uan", "voicemail", "fixed_line", "mobile")
_Desc = tuple[frozenset[int], re.Pattern[str]]


def _compiled(desc: phonenumbers.PhoneNumberDesc | None) -> _Desc | None:
    if desc is None or not desc.national_number_pattern:
        return None
    return frozenset(desc.possible_length), re.compile(desc.national_number_pattern)


@cache
def _plan(country_code: int) -> tuple[_Desc, tuple[_Desc, ...]] | None:
    """The compiled validation patterns of a calling code that belongs to one region only
    (None for shared codes such as +1 and +44, which need phonenumbers' region lookup)."""
    regions = phonenumbers.COUNTRY_CODE_TO_REGION_CODE.get(country_code, ())
    if len(regions) != 1 or regions[0] == "001":
        return None
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(regions[0])
    general = _compiled(metadata.general_desc) if metadata is not None else None
    if general is None:
        return None
    types = (_compiled(getattr(metadata, name)) for name in _TYPE_DESCS)
    return general, tuple(desc for desc in types if desc is not None)


def _matches(national: str, desc: _Desc) -> bool:
    lengths, pattern = desc
    return (not lengths or len(national) in lengths) and pattern.fullmatch(national) is not None


def is_valid_number(number: phonenumbers.PhoneNumber) -> bool:
    """``phonenumbers.is_valid_number``, with each region's patterns compiled once (several
    times faster; equal results, see tests/redact/test_phone.py)."""
    plan = _plan(number.country_code)
    if plan is None:
        return bool(phonenumbers.is_valid_number(number))
    national = phonenumbers.national_significant_number(number)
    general, types = plan
    return _matches(national, general) and any(_matches(national, desc) for desc in types)


@lru_cache(maxsize=8192)
def is_real_phone(candidate: str, region: str | None) -> bool:
    """Valid by the numbering plan and outside the blocks reserved for fiction."""
    number = parse_phone(candidate, region)
    if number is None or not is_valid_number(number):
        return False
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return not is_fiction_phone(e164)


def longest_real_prefix(candidate: str, region: str | None) -> str | None:
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
            valid = longest_real_prefix(candidate, region)
            if valid is not None:
                spans.append(Span(match.start(), match.start() + len(valid), "phone"))
        return spans
