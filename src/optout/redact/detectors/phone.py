"""Phone numbers: a fast candidate regex, then validation with phonenumbers."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache, lru_cache

import phonenumbers

from optout.redact.detectors.numbers import (
    MIN_DIGITS,
    digits_of,
    inside_iban,
    might_hold_number,
)
from optout.redact.spans import BaseDetector, Span
from optout.redact.synthetic import FICTION_PHONE_PREFIXES, is_fiction_phone

_SEP = r"[ \-./()]{0,3}"  # spaces, dashes, dots, slashes and parentheses between digits
_END = r"(?!\w|[\-./ ]?\d)"  # a candidate takes whole digit groups
_CANDIDATE = re.compile(
    rf"(?<![\w+#])(?:\+\d|00\d|\(\d)(?:{_SEP}\d){{6,16}}{_END}"
    rf"|(?<![\w+\-./#])(?<!\d )\d(?:{_SEP}\d){{6,14}}{_END}"
)
# a candidate that is a date (a phone number written with dots can start like one:
# "06.12.86.01.13", so only a whole date, or a date with a four-digit year, is one)
_DATE = re.compile(
    r"(?:0?[1-9]|[12]\d|3[01])([./\-])(?:0?[1-9]|1[0-2])\1(?:\d\d)?\d\d"
    r"|(?:0?[1-9]|[12]\d|3[01])([./\-])(?:0?[1-9]|1[0-2])\2(?:19|20)\d\d(?=\D).*"
    r"|(?:19|20)\d\d([./\-])(?:0?[1-9]|1[0-2])\3(?:0?[1-9]|[12]\d|3[01])(?=\D|$).*"
    r"|\d{1,2}[.:]\d\d ?[\-/] ?\d{1,2}[.:]\d\d"  # a time range, 14.30-15.30
)
_TRAILING_GROUP = re.compile(r"[ \-./]+\(?\d+\)?$")
# words that announce a phone number, looked for just before a number that is valid only
# in a region without a trunk prefix (where any 8-9 digit number may be valid)
_CUE = re.compile(
    r"\b(?:tel\b|tel\.|tél|telef|teléf|phone|call|ring|text me|reach me|sms|whatsapp|mobil|"
    r"cell|contact|ruf|anruf|handy|erreichbar|llam|llám|móvil|movil|appel|joign|portable|"
    r"bel\b|bellen|bereikbaar|chiam|cellul|zadzwo|dzwo|komórk|kontakt|nås|liga)",
    re.IGNORECASE,
)
CUE_WINDOW = 32
_DIGIT = re.compile(r"\d")
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
    (``0`` in DE, FR, NL, ...): an order number, not a phone number. An area code in
    parentheses, ``(11) 96286-9313``, is a phone number's shape whatever it starts with."""
    if region is None or candidate.startswith(("+", "00", "(")):
        return False
    prefix = trunk_prefix(region)
    return bool(prefix) and not candidate.startswith(prefix)


@lru_cache(maxsize=8192)
def parse_phone(candidate: str, region: str | None) -> phonenumbers.PhoneNumber | None:
    """Parse ``candidate`` as international (``+``/``00``) or national in ``region``
    (memoised: the surrogate of a number reuses the detector's parse; do not modify it)."""
    if not candidate.startswith(("+", "00")) and region is None:
        return None
    return fast_parse(candidate, region)


_VR = phonenumbers.phonenumberutil.ValidationResult
_NOT_STRIPPED = (_VR.TOO_SHORT, _VR.IS_POSSIBLE_LOCAL_ONLY, _VR.INVALID_LENGTH)
_pnu = phonenumbers.phonenumberutil


def fast_parse(candidate: str, region: str | None) -> phonenumbers.PhoneNumber | None:
    """``phonenumbers.parse`` for what the candidate regex takes (digits, separators, a
    leading ``+``/``00``), several times faster: the digits are plain ASCII, so the Unicode
    normalisation and the checks for letters and extensions are skipped; the calling code,
    national prefix and length rules are phonenumbers' own (tests compare both)."""
    digits = digits_of(candidate)
    if candidate.startswith(("+", "00")):
        return _international(digits[2:] if candidate.startswith("00") else digits, candidate)
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region or "")
    if (metadata is None or metadata.national_prefix_transform_rule
            or _dials_abroad(region or "", digits)):
        return _slow_parse(candidate, region)  # rare: the region's international prefix
    national = digits
    code = str(metadata.country_code)
    if national.startswith(code):  # the region's own calling code written without "+"
        general = metadata.general_desc
        _, potential, _ = _pnu._maybe_strip_national_prefix_carrier_code(
            national[len(code):], metadata)
        if ((not _pnu._match_national_number(national, general, False)
             and _pnu._match_national_number(potential, general, False))
                or _pnu._test_number_length(national, metadata) == _VR.TOO_LONG):
            national = potential
    return _number(metadata.country_code, national, metadata)


@cache
def _international_prefix(region: str) -> re.Pattern[str] | None:
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
    prefix = metadata.international_prefix if metadata is not None else None
    return re.compile(prefix) if prefix else None


def _dials_abroad(region: str, digits: str) -> bool:
    """Whether national ``digits`` start with the region's international prefix (``00``,
    ``011`` in the US, ``990`` in Finland, ...)."""
    prefix = _international_prefix(region)
    return prefix is not None and prefix.match(digits) is not None


def _international(digits: str, candidate: str) -> phonenumbers.PhoneNumber | None:
    if digits.startswith("0"):
        return None  # no calling code starts with 0
    for size in (1, 2, 3):
        if len(digits) > size and int(digits[:size]) in phonenumbers.COUNTRY_CODE_TO_REGION_CODE:
            code = int(digits[:size])
            break
    else:
        return None
    metadata = phonenumbers.PhoneMetadata.metadata_for_region_or_calling_code(
        code, phonenumbers.region_code_for_country_code(code))
    if metadata is None or metadata.national_prefix_transform_rule:
        return _slow_parse(candidate, None)
    return _number(code, digits[size:], metadata)


def _number(code: int, national: str, metadata: phonenumbers.PhoneMetadata
            ) -> phonenumbers.PhoneNumber | None:
    """The PhoneNumber of a national number: national prefix stripped as phonenumbers does."""
    if len(national) < 2:
        return None
    _, stripped, _ = _pnu._maybe_strip_national_prefix_carrier_code(national, metadata)
    if _pnu._test_number_length(stripped, metadata) not in _NOT_STRIPPED:
        national = stripped
    if not 2 <= len(national) <= 17:
        return None
    number = phonenumbers.PhoneNumber(country_code=code, national_number=int(national))
    if national[0] == "0":
        number.italian_leading_zero = True
        zeros = 1
        while zeros < len(national) - 1 and national[zeros] == "0":
            zeros += 1
        if zeros != 1:
            number.number_of_leading_zeros = zeros
    return number


def _slow_parse(candidate: str, region: str | None) -> phonenumbers.PhoneNumber | None:
    text = "+" + candidate[2:] if candidate.startswith("00") else candidate
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
def _mobile_plan(country_code: int) -> tuple[_Desc, _Desc] | None:
    """The compiled general and mobile descriptions of a one-region calling code."""
    regions = phonenumbers.COUNTRY_CODE_TO_REGION_CODE.get(country_code, ())
    if len(regions) != 1 or regions[0] == "001":
        return None
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(regions[0])
    general = _compiled(metadata.general_desc) if metadata is not None else None
    mobile = _compiled(metadata.mobile) if metadata is not None else None
    return (general, mobile) if general is not None and mobile is not None else None


_MOBILE_TYPES = (phonenumbers.PhoneNumberType.MOBILE,
                 phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)


def is_mobile_number(number: phonenumbers.PhoneNumber) -> bool:
    """Whether ``number`` is a valid mobile number (``number_type``, compiled once)."""
    plan = _mobile_plan(number.country_code)
    if plan is None:
        return phonenumbers.number_type(number) in _MOBILE_TYPES
    national = phonenumbers.national_significant_number(number)
    return _matches(national, plan[0]) and _matches(national, plan[1])


@cache
def _region_mobiles(region: str) -> tuple[int, str, _Desc, _Desc] | None:
    """Calling code, trunk prefix and compiled general and mobile descriptions of a region
    whose calling code is its own and whose trunk prefix is plain (None otherwise)."""
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
    plan = _mobile_plan(metadata.country_code) if metadata is not None else None
    prefix = metadata.national_prefix_for_parsing if metadata is not None else None
    if plan is None or (prefix and not prefix.isdigit()) or metadata.national_prefix_transform_rule:
        return None
    return metadata.country_code, prefix or "", plan[0], plan[1]


@lru_cache(maxsize=8192)
def is_real_mobile(candidate: str, region: str) -> bool:
    """A mobile number of ``region`` outside the blocks reserved for fiction (the national
    number is matched directly against the region's compiled patterns: no parse)."""
    plan = _region_mobiles(region)
    digits = digits_of(candidate)
    if plan is None or _dials_abroad(region, digits) or digits.startswith(str(plan[0])):
        number = parse_phone(candidate, region)
        return (number is not None and is_mobile_number(number)
                and is_real_phone(candidate, region))
    code, prefix, general, mobile = plan
    national = digits
    if prefix and national.startswith(prefix):
        national = national[len(prefix):]
    return (_matches(national, general) and _matches(national, mobile)
            and not is_fiction_phone(f"+{code}{national}"))


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


@cache
def _main_plans(country_code: int) -> tuple[_Desc, _Desc | None, tuple[_Desc, ...]] | None:
    """General, mobile and all type descriptions of the main region of a calling code."""
    regions = phonenumbers.COUNTRY_CODE_TO_REGION_CODE.get(country_code, ())
    metadata = (phonenumbers.PhoneMetadata.metadata_for_region(regions[0])
                if regions and regions[0] != "001" else None)
    general = _compiled(metadata.general_desc) if metadata is not None else None
    if general is None:
        return None
    types = tuple(d for d in (_compiled(getattr(metadata, n)) for n in _TYPE_DESCS) if d)
    return general, _compiled(metadata.mobile), types


def plausible_national(country_code: int, national: str, mobile_only: bool = False) -> bool:
    """Whether the national significant number ``national`` of ``country_code`` is valid (or
    a mobile number) in the plan of the code's main region (+44: GB, +1: US), on strings.
    A quick test for choosing surrogates, which are then checked like any candidate."""
    plans = _main_plans(country_code)
    if plans is None:
        return False
    general, mobile, types = plans
    if not _matches(national, general):
        return False
    if mobile_only:
        return mobile is not None and _matches(national, mobile)
    return any(_matches(national, desc) for desc in types)


def is_valid_number(number: phonenumbers.PhoneNumber) -> bool:
    """``phonenumbers.is_valid_number``, with each region's patterns compiled once (several
    times faster; equal results, see tests/redact/test_phone.py)."""
    plan = _plan(number.country_code)
    if plan is None:
        return bool(phonenumbers.is_valid_number(number))
    national = phonenumbers.national_significant_number(number)
    general, types = plan
    return _matches(national, general) and any(_matches(national, desc) for desc in types)


def e164(number: phonenumbers.PhoneNumber) -> str:
    """``+`` calling code and national significant number (what format_number's E164 gives
    for a number without extension, without its formatting machinery)."""
    return f"+{number.country_code}{phonenumbers.national_significant_number(number)}"


@lru_cache(maxsize=8192)
def is_real_phone(candidate: str, region: str | None) -> bool:
    """Valid by the numbering plan and outside the blocks reserved for fiction."""
    number = parse_phone(candidate, region)
    if number is None or not is_valid_number(number):
        return False
    return not is_fiction_phone(e164(number))


def longest_real_prefix(candidate: str, region: str | None) -> str | None:
    """The longest prefix of ``candidate`` (dropping trailing digit groups) that is a phone."""
    return _longest_prefix(candidate, lambda prefix: is_real_phone(prefix, region))


def _longest_prefix(candidate: str, is_phone: Callable[[str], bool]) -> str | None:
    """The longest of ``candidate`` and its prefixes without one, two or three trailing
    digit groups (at least seven digits) that ``is_phone`` accepts."""
    for _ in range(3):
        if len(digits_of(candidate)) < 7:
            return None
        if is_phone(candidate):
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

    def __init__(self, unknown_region_fixed_lines: bool = True) -> None:
        # False for ``verify``, which reads rows without their writer's region: fixed-line
        # plans such as Austria's allow almost any number, surrogates included
        self.unknown_region_fixed_lines = unknown_region_fixed_lines

    def might_contain(self, text: str) -> bool:
        return might_hold_number(text)

    def find(self, text: str, region: str | None = None) -> list[Span]:
        region = phone_region(region)
        spans = []
        for match in _CANDIDATE.finditer(text):
            candidate = match.group()
            if _DATE.fullmatch(candidate) or (
                    not candidate.startswith(("+", "00")) and inside_iban(text, match.start())):
                continue  # a date, or digits of an IBAN (a surrogate one fails mod-97)
            valid = real_phone_prefix(candidate, region, lambda m=match: has_cue(text, m.start()),
                                      self.unknown_region_fixed_lines)
            if valid is not None:
                spans.append(Span(match.start(), match.start() + len(valid), "phone"))
        return spans


def has_cue(text: str, start: int) -> bool:
    """Whether a word announcing a phone number ("Tel", "call", "appelle", ...) is just
    before ``start``, with no other number between them ("call at 11.42 and 59 71 90 22"
    announces a time, not the number after it)."""
    window = max(0, start - CUE_WINDOW)
    last = None
    for last in _CUE.finditer(text, window, start):  # noqa: B007 (the last one counts)
        pass
    return last is not None and _DIGIT.search(text, last.end(), start) is None


def real_phone_prefix(candidate: str, region: str | None, cued: Callable[[], bool],
                      fixed_lines: bool = True) -> str | None:
    """The longest prefix of ``candidate`` that is a real phone number: international, or
    national in the writer's ``region``, or else a national mobile number of another European
    region (one with the trunk prefix ``0`` the number starts with; one without a trunk
    prefix only when ``cued()``, since there many 8-9 digit numbers are valid). When the
    region is unknown and ``fixed_lines``, a number after a cue (``Tel: 030 745491``) is
    looked up as a fixed line too. ``cued`` is called only when needed."""
    if candidate.startswith(("+", "00")):
        return longest_real_prefix(candidate, None)
    if is_fiction_national(candidate):
        return None
    if region is not None and not _lacks_trunk_prefix(candidate, region):
        valid = longest_real_prefix(candidate, region)
        if valid is not None:
            return valid
    return longest_elsewhere(candidate, region, cued, fixed_lines)


def longest_elsewhere(candidate: str, region: str | None, cued: Callable[[], bool],
                      fixed_lines: bool = True) -> str | None:
    """The longest prefix of ``candidate`` that is national in a fallback region."""
    trunk = candidate.lstrip("(").startswith("0")
    if not trunk and not cued():
        return None
    fixed = region is None and fixed_lines and cued()
    return _longest_prefix(
        candidate, lambda prefix: home_elsewhere(prefix, region, trunk, fixed) is not None
    )


# the regions tried when a national number is not valid in the writer's region: western and
# northern Europe (numbers from elsewhere need their +CC, or a writer from there); those
# with a trunk prefix "0" for numbers that start with it, the others only after a cue word
TRUNK_REGIONS = ("DE", "FR", "NL", "BE", "AT", "CH", "GB", "IE", "SE", "FI")
NO_TRUNK_REGIONS = ("ES", "IT", "PT", "PL", "DK", "NO", "LU")


FICTION_REGIONS = tuple(FICTION_PHONE_PREFIXES)


@lru_cache(maxsize=8192)
def is_fiction_national(candidate: str) -> bool:
    """A national-format number in a block reserved for fiction (``07700 900123`` in GB,
    ``01 99 00 12 34`` in FR): never a phone, whichever region's plan also allows it."""
    if not candidate.lstrip("(").startswith("0"):
        return False
    for region in FICTION_REGIONS:
        number = parse_phone(candidate, region)
        if number is not None and is_fiction_phone(e164(number)):
            return True
    return False


def home_elsewhere(candidate: str, region: str | None, trunk: bool, fixed: bool = False
                   ) -> str | None:
    """A fallback region (not ``region``) where the national ``candidate`` is a mobile number
    (what people give out; fixed-line plans such as Germany's and Austria's allow almost any
    length and digits, so a fixed-line number is found only in the writer's own region, or
    with ``fixed``)."""
    for other in _homes(candidate, trunk, fixed):
        if other != region:
            return other
    return None


@lru_cache(maxsize=8192)
def _homes(candidate: str, trunk: bool, fixed: bool) -> tuple[str, ...]:
    """Every fallback region where ``candidate`` is a mobile (or, with ``fixed``, any) number;
    at most two are needed: the first that is not the writer's own."""
    valid = is_real_phone if fixed else is_real_mobile
    found: list[str] = []
    for other in TRUNK_REGIONS if trunk else NO_TRUNK_REGIONS:
        if valid(candidate, other):
            found.append(other)
            if len(found) == 2:
                break
    return tuple(found)


def phone_home(candidate: str, region: str | None) -> str | None:
    """The region in whose plan the detector found ``candidate`` (None: international)."""
    region = phone_region(region)
    if candidate.startswith(("+", "00")) or is_fiction_national(candidate):
        return None
    if (region is not None and not _lacks_trunk_prefix(candidate, region)
            and longest_real_prefix(candidate, region) is not None):
        return region
    trunk = candidate.lstrip("(").startswith("0")
    return (home_elsewhere(candidate, region, trunk)
            or home_elsewhere(candidate, region, trunk, region is None) or region)


def phone_detected(value: str, region: str | None) -> bool:
    """Whether the detector would report ``value`` after a cue word, written by someone in
    ``region``, or read without a region as ``verify`` reads it."""
    region = phone_region(region)
    return (real_phone_prefix(value, region, _always) is not None
            or real_phone_prefix(value, None, _always, fixed_lines=False) is not None)


def _always() -> bool:
    return True
