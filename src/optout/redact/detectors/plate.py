"""Licence plates in the strong national formats (FR, NL, ES, IT, DE, PL); upper case only."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from optout.redact.spans import BaseDetector, Span

_B = r"(?<![\w\-])"  # not inside a word, number or longer code
_E = r"(?![\w\-]|\.\w)"
_NL = "[BDFGHJKLNPRSTVXZ]"  # Dutch plates have no vowels (and no C, M, Q, W, Y)
_ES = "[BCDFGHJKLMNPRSTVWXYZ]"  # Spanish plates: consonants without Ñ and Q
_IT = "[A-HJ-NPR-TV-Z]"  # Italian plates: no I, O, Q, U
_FR = "[A-HJ-NP-TV-Z]"  # French SIV plates: no I, O, U
_NL_SIDECODES = (
    f"{_NL}{{2}}-\\d\\d-\\d\\d", f"\\d\\d-\\d\\d-{_NL}{{2}}", f"\\d\\d-{_NL}{{2}}-\\d\\d",
    f"{_NL}{{2}}-\\d\\d-{_NL}{{2}}", f"{_NL}{{2}}-{_NL}{{2}}-\\d\\d",
    f"\\d\\d-{_NL}{{2}}-{_NL}{{2}}",
    f"\\d\\d-{_NL}{{3}}-\\d", f"\\d-{_NL}{{3}}-\\d\\d", f"{_NL}{{2}}-\\d{{3}}-{_NL}",
    f"{_NL}-\\d{{3}}-{_NL}{{2}}", f"{_NL}{{3}}-\\d\\d-{_NL}", f"{_NL}-\\d\\d-{_NL}{{3}}",
    f"\\d-{_NL}{{2}}-\\d{{3}}", f"\\d{{3}}-{_NL}{{2}}-\\d",
)
# words announcing a plate: the weak formats are looked for only just after one
PLATE_CUES = re.compile(
    r"(?i:kennzeichen|nummernschild|kenteken|nummerplaat|plaque|immatricul|matr[ií]cula|"
    r"targa|tablic|rejestracyjn|registreringsnummer|regnr|reg\.nr|number ?plate|"
    r"licen[cs]e ?plate|registration)"
)
CUE_WINDOW = 32


@dataclass(frozen=True)
class PlateFormat:
    """One country's plate shape; ``cued``: only just after a plate cue word."""

    country: str
    pattern: re.Pattern[str]
    cued: bool = False


FORMATS: tuple[PlateFormat, ...] = (
    PlateFormat("FR", re.compile(f"{_B}{_FR}{{2}}-(?!000)\\d{{3}}-{_FR}{{2}}{_E}")),
    PlateFormat("NL", re.compile(f"{_B}(?:{'|'.join(_NL_SIDECODES)}){_E}")),
    # "1234-BCD", "1234BCD"; with a space ("8800 GTS" is a graphics card, "2024 BMW" a car)
    # only after a cue
    PlateFormat("ES", re.compile(f"{_B}\\d{{4}}-?{_ES}{{3}}{_E}")),
    PlateFormat("ES", re.compile(f"{_B}\\d{{4}} {_ES}{{3}}{_E}"), cued=True),
    # "AB123CD" anywhere; "AB 123 CD" (like "XL 500 GT") only after a cue
    PlateFormat("IT", re.compile(f"{_B}{_IT}{{2}}\\d{{3}}{_IT}{{2}}{_E}")),
    PlateFormat("IT", re.compile(f"{_B}{_IT}{{2}} \\d{{3}} {_IT}{{2}}{_E}"), cued=True),
    # district, hyphen, one or two letters, space, 1-9999 (no leading zero), E/H suffix; with
    # a year-like number ("EU-UK 2020") only after a cue
    PlateFormat("DE", re.compile(
        f"{_B}[A-ZÄÖÜ]{{1,3}}-[A-Z]{{1,2}} (?!(?:19|20)\\d\\d(?!\\d))[1-9]\\d{{0,3}}[EH]?{_E}")),
    PlateFormat("DE", re.compile(f"{_B}[A-ZÄÖÜ]{{1,3}}-[A-Z]{{1,2}} (?:19|20)\\d\\d[EH]?{_E}"),
                cued=True),
    PlateFormat("DE", re.compile(f"{_B}[A-ZÄÖÜ]{{1,3}} [A-Z]{{1,2}} [1-9]\\d{{0,3}}[EH]?{_E}"),
                cued=True),
    # voivodeship letter, then 1-2 letters, a space and 4-5 characters with a digit
    PlateFormat("PL", re.compile(
        f"{_B}[BCDEFGKLNOPRSTWZ][A-Z]{{1,2}} (?=[A-Z]{{0,4}}\\d)[0-9A-Z]{{4,5}}{_E}"), cued=True),
)


def has_plate_cue(text: str, start: int) -> bool:
    """Whether a plate cue word ("Kennzeichen", "kenteken", "number plate") is just before."""
    return PLATE_CUES.search(text, max(0, start - CUE_WINDOW), start) is not None


_COMBINED = re.compile("|".join(f"(?P<f{i}>{fmt.pattern.pattern})"
                                for i, fmt in enumerate(FORMATS)))
_LEAD = 7  # a plate starts at most this many characters before its first digit ("HH-AB 1")


# a digit with a capital letter next to it, maybe across " " or "-" (every plate has one);
# the pattern starts with a digit, which the regex engine finds quickly
_ANCHOR = re.compile(r"\d(?:[ \-]?[A-Z]|(?<=[A-Z]\d)|(?<=[A-Z][ \-]\d))")


def plate_spans(text: str) -> list[tuple[int, int, str]]:
    """Start, end and country of each plate in ``text``: tried only where a word starts
    shortly before a digit that has a capital letter next to it."""
    found: dict[int, tuple[int, int, str]] = {}
    tried = 0  # every start before this one was tried (or lies inside a plate)
    for anchor in _ANCHOR.finditer(text):
        digit = anchor.start()
        for start in range(max(tried, digit - _LEAD), digit + 1):
            first = text[start]
            if not ("A" <= first <= "Z" or "0" <= first <= "9") or (start > 0 and (
                    text[start - 1].isalnum() or text[start - 1] in "-_")):
                continue
            plate = _plate_at(text, start)
            if plate is not None:
                found[start] = plate
                tried = plate[1]
                break
        tried = max(tried, digit + 1)
    return sorted(found.values())


def _plate_at(text: str, start: int) -> tuple[int, int, str] | None:
    match = _COMBINED.match(text, start)
    if match is None:
        return None
    fmt = FORMATS[int(match.lastgroup[1:])]  # type: ignore[index]
    if not fmt.cued or has_plate_cue(text, start):
        return start, match.end(), fmt.country
    for other in FORMATS:  # rare: a cued format without its cue; a later format may fit
        later = other.pattern.match(text, start)
        if later is not None and (not other.cued or has_plate_cue(text, start)):
            return start, later.end(), other.country
    return None


def is_plate(value: str) -> bool:
    """Whether ``value`` is exactly a plate in one of the formats (cued ones included)."""
    value = value.strip()
    return any(fmt.pattern.fullmatch(value) for fmt in FORMATS)


class LicencePlateDetector(BaseDetector):
    """Finds licence plates in formats distinctive enough to be found anywhere (French SIV
    ``AB-123-CD``, Dutch sidecodes, Spanish ``1234-BCD``, Italian ``AB123CD``, German
    ``M-AB 1234``); weaker ones (Polish ``WA 12345``, German without the hyphen, Spanish and
    Italian with spaces) only just after a word such as "Kennzeichen" or "plate"."""

    labels = frozenset({"licence_plate"})
    min_digits = 1

    def might_contain(self, text: str) -> bool:
        # every format has a capital letter next to a digit group, maybe across " " or "-"
        return _ANCHOR.search(text) is not None

    def find(self, text: str, region: str | None = None) -> list[Span]:
        return [Span(start, end, "licence_plate") for start, end, _ in plate_spans(text)]


# letters each country never uses on its plates: a surrogate made of them is no plate
_INVALID_LETTERS = {"FR": "IOU", "NL": "AEIOU", "ES": "AEIOU", "IT": "IOQU", "PL": "AHIJMQUVXY"}
_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def plate_country(value: str) -> str | None:
    """The country of the first format ``value`` is exactly a plate of."""
    value = value.strip()
    return next((fmt.country for fmt in FORMATS if fmt.pattern.fullmatch(value)), None)


def is_plate_surrogate(value: str) -> bool:
    """Whether ``value`` is one of ours: no plate in any format is found in it, even right
    after a cue word (letters the country never uses, a German number with a leading zero)."""
    return not plate_spans("kennzeichen " + value)


def plate_surrogate(value: str, digests: Iterator[int]) -> str:
    """The plate's shape with keyed characters that make it invalid: letters the country
    never uses (FR, NL, ES, IT, PL), or a number with a leading zero (DE)."""
    country = plate_country(value)
    letters = _INVALID_LETTERS.get(country or "", _ALPHABET)
    for _, digest in zip(range(50), digests, strict=False):
        out = []
        first_digit = True
        for index, char in enumerate(value):
            if char.isdigit():
                digest, digit = divmod(digest, 10)
                out.append("0" if first_digit and country in ("DE", None) else str(digit))
                first_digit = False
            elif char.isalpha():
                digest, pick = divmod(digest, 26)
                pool = letters if country != "PL" or index == 0 else _ALPHABET
                out.append(pool[pick % len(pool)])
            else:
                out.append(char)
        candidate = "".join(out)
        if is_plate_surrogate(candidate):
            return candidate
    return re.sub(r"[^\W\d_]", "O", re.sub(r"\d", "0", value))
