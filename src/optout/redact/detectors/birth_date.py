"""Dates of birth: a calendar date right after a birth cue ("born on", "geboren am", "né le")."""

from __future__ import annotations

import calendar
import re
from typing import NamedTuple

import ahocorasick

from optout.redact.spans import BaseDetector, Span

# words that announce a date of birth (or a birthday), lower case; a bare date is never one
BIRTH_CUES = (
    # en
    "born on", "born", "date of birth", "birth date", "birthdate", "dob", "d.o.b.", "birthday",
    # de
    "geboren am", "geboren", "geb.", "geburtsdatum", "geburtstag",
    # fr
    "né le", "née le", "né", "née", "date de naissance", "anniversaire",
    # es
    "nacido el", "nacida el", "nací el", "fecha de nacimiento", "cumpleaños",
    # it
    "nato il", "nata il", "nato", "nata", "data di nascita", "compleanno",
    # pt
    "nascido em", "nascida em", "nasci em", "data de nascimento", "aniversário",
    # nl
    "geboren op", "geboortedatum", "verjaardag", "jarig op",
    # pl
    "urodzony", "urodzona", "urodziłem się", "urodziłam się", "ur.", "data urodzenia",
    "urodziny",
    # sv
    "född", "födelsedatum", "födelsedag",
)

# month names (and common abbreviations) -> month number, per language
MONTHS: dict[str, dict[str, int]] = {
    "en": {"january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6,
           "july": 7, "august": 8, "september": 9, "october": 10, "november": 11,
           "december": 12, "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7,
           "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12},
    "de": {"januar": 1, "jänner": 1, "februar": 2, "märz": 3, "april": 4, "mai": 5, "juni": 6,
           "juli": 7, "august": 8, "september": 9, "oktober": 10, "november": 11,
           "dezember": 12},
    "fr": {"janvier": 1, "février": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6,
           "juillet": 7, "août": 8, "septembre": 9, "octobre": 10, "novembre": 11,
           "décembre": 12},
    "es": {"enero": 1, "febrero": 2, "marzo": 3, "abril": 4, "mayo": 5, "junio": 6,
           "julio": 7, "agosto": 8, "septiembre": 9, "setiembre": 9, "octubre": 10,
           "noviembre": 11, "diciembre": 12},
    "it": {"gennaio": 1, "febbraio": 2, "marzo": 3, "aprile": 4, "maggio": 5, "giugno": 6,
           "luglio": 7, "agosto": 8, "settembre": 9, "ottobre": 10, "novembre": 11,
           "dicembre": 12},
    "pt": {"janeiro": 1, "fevereiro": 2, "março": 3, "abril": 4, "maio": 5, "junho": 6,
           "julho": 7, "agosto": 8, "setembro": 9, "outubro": 10, "novembro": 11,
           "dezembro": 12},
    "nl": {"januari": 1, "februari": 2, "maart": 3, "april": 4, "mei": 5, "juni": 6, "juli": 7,
           "augustus": 8, "september": 9, "oktober": 10, "november": 11, "december": 12},
    "pl": {"stycznia": 1, "lutego": 2, "marca": 3, "kwietnia": 4, "maja": 5, "czerwca": 6,
           "lipca": 7, "sierpnia": 8, "września": 9, "października": 10, "listopada": 11,
           "grudnia": 12, "styczeń": 1, "luty": 2, "marzec": 3, "kwiecień": 4, "maj": 5,
           "czerwiec": 6, "lipiec": 7, "sierpień": 8, "wrzesień": 9, "październik": 10,
           "listopad": 11, "grudzień": 12},
    "sv": {"januari": 1, "februari": 2, "mars": 3, "april": 4, "maj": 5, "juni": 6, "juli": 7,
           "augusti": 8, "september": 9, "oktober": 10, "november": 11, "december": 12},
}
MONTH_NUMBER = {name: number for names in MONTHS.values() for name, number in names.items()}
FEBRUARY = {lang: next(n for n, m in names.items() if m == 2) for lang, names in MONTHS.items()}
_MONTH = "|".join(sorted(map(re.escape, MONTH_NUMBER), key=len, reverse=True))

# what may stand between the cue and the date: "born on the", "geboren am", "né le", ":",
# and a place: "nato a Roma il", "born in Leeds on"
_GAP = re.compile(
    r"[\s:,(\-–]*(?:(?:a|in|à|en|em|w|i|te|zu)\s+[A-ZÀ-ÞŁŚŻŹĆ][\w\-]+,?\s+)?"
    r"(?:(?i:is|was|on|the|am|den|le|el|il|em|op|w|dnia|en|de|à|a|i|på)\s+){0,2}",
)
_DATE = re.compile(
    rf"(?P<d1>\d{{1,2}})(?P<s1>[./\-])(?P<m1>\d{{1,2}})(?P=s1)(?P<y1>\d{{4}}|\d\d)(?![\d.]\d)"
    rf"|(?P<y2>\d{{4}})-(?P<m2>\d{{1,2}})-(?P<d2>\d{{1,2}})(?!\d)"
    rf"|(?P<d3>\d{{1,2}})(?:st|nd|rd|th|er|º|\.)?\s+(?:of\s+|de\s+)?(?P<n3>{_MONTH})\.?"
    rf"(?:,?\s+(?:de\s+)?(?P<y3>\d{{4}}))?(?![\w])"
    rf"|(?P<n4>{_MONTH})\.?\s+(?P<d4>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<y4>\d{{4}}))?(?!\w)",
    re.IGNORECASE,
)
MAX_GAP = 32  # characters between the end of a cue and the start of its date


class ParsedDate(NamedTuple):
    """Day, month and (maybe) year of a written date, as written (the day may be invalid)."""

    day: int
    month: int
    year: int | None


def parse_date(match: re.Match[str]) -> ParsedDate | None:
    """Day, month and year of a ``_DATE`` match (None when the month is not 1-12)."""
    groups = match.groupdict()
    for index in "1234":
        day = groups.get(f"d{index}")
        if day is None:
            continue
        name = groups.get(f"n{index}")
        month = MONTH_NUMBER[name.lower()] if name else int(groups[f"m{index}"])
        year_text = groups.get(f"y{index}")
        year = None if year_text is None else int(year_text) + (
            1900 if len(year_text) == 2 else 0)
        return ParsedDate(int(day), month, year) if 1 <= month <= 12 else None
    return None


def is_calendar_date(date: ParsedDate) -> bool:
    """Whether the day exists in that month (29 February only in leap years, or no year)."""
    if date.day < 1:
        return False
    year = date.year if date.year is not None else 2000
    return date.day <= calendar.monthrange(year, date.month)[1]


def match_date(text: str) -> re.Match[str] | None:
    """The date that is exactly ``text``, if any."""
    return _DATE.fullmatch(text.strip())


def _is_word_at(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not before.isalnum() and (not after.isalpha() or text[end - 1] in ". ")


class DateOfBirthDetector(BaseDetector):
    """Finds a calendar date (numeric, ISO or with a month name in the sample's languages)
    within a few words after a birth cue. Impossible dates (30 February, the surrogates)
    are not reported; a date with no cue before it never is."""

    labels = frozenset({"date_of_birth"})
    min_digits = 1  # a day at least

    def __init__(self) -> None:
        self._cues = ahocorasick.Automaton()
        for cue in BIRTH_CUES:
            self._cues.add_word(cue, len(cue))
        self._cues.make_automaton()
        self._last: tuple[str, list[tuple[int, int]]] | None = None

    def might_contain(self, text: str) -> bool:
        return bool(self._hits(text))

    def _hits(self, text: str) -> list[tuple[int, int]]:
        """(last character, length) of each cue (kept for the ``find`` that follows)."""
        if self._last is None or self._last[0] is not text:
            self._last = (text, list(self._cues.iter(text.lower())))
        return self._last[1]

    def find(self, text: str, region: str | None = None) -> list[Span]:
        spans: dict[int, Span] = {}
        for last, length in self._hits(text):
            end = last + 1
            if not _is_word_at(text, end - length, end):
                continue
            gap = _GAP.match(text, end)
            start = gap.end() if gap is not None else end
            if start - end > MAX_GAP:
                continue
            match = _DATE.match(text, start)
            if match is None or start in spans:
                continue
            date = parse_date(match)
            if date is not None and is_calendar_date(date):
                spans[start] = Span(start, match.end(), "date_of_birth")
        return list(spans.values())


_YEAR_SHIFTS = (-2, -1, 1, 2)


def is_dob_surrogate(value: str) -> bool:
    """Whether ``value`` is one of our dates of birth: a date that does not exist."""
    match = match_date(value)
    date = parse_date(match) if match is not None else None
    return date is not None and not is_calendar_date(date)


def dob_surrogate(value: str, digest: int) -> str:
    """The date of birth written the same way, as a day that does not exist (30 or 31
    February, in the language of the month name) and the year moved by a keyed 1-2 years."""
    match = match_date(value)
    if match is None:
        return "30.02."
    offset = len(value) - len(value.lstrip())
    digest, pick = divmod(digest, 2)
    shift = _YEAR_SHIFTS[digest % len(_YEAR_SHIFTS)]
    pieces: list[tuple[int, int, str]] = []
    for name, text in match.groupdict().items():
        if text is None:
            continue
        start, end = match.span(name)
        if name[0] == "d":
            pieces.append((start, end, str(30 + pick)))
        elif name[0] == "m":
            pieces.append((start, end, "2".zfill(len(text))))
        elif name[0] == "n":
            lang = next(lang for lang, names in MONTHS.items() if text.lower() in names)
            february = FEBRUARY[lang]
            pieces.append((start, end, february.capitalize() if text[0].isupper() else february))
        elif name[0] == "y":
            year = (int(text) + shift) % 10 ** len(text)
            pieces.append((start, end, f"{year:0{len(text)}d}"))
    out = value
    for start, end, text in sorted(pieces, reverse=True):
        out = out[:offset + start] + text + out[offset + end:]
    return out
