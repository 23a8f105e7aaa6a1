"""Names of people without an account: first-name and surname gazetteers plus capitalisation
and context rules, in every language of the sample (no model, a few µs a text)."""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from itertools import pairwise
from typing import NamedTuple

from optout.redact.spans import BaseDetector, Span

# token kinds, by precedence: a title, a stop word or a place never starts a name; a name
# goes on over first names, surnames and unknown capitalised words (kind >= FIRST)
TITLE, STOP, PLACE, WEAK, FIRST, LAST, OTHER = range(7)  # WEAK: a first name that is also
# an everyday word or a place ("Rosa", "Mark", "Victoria"): a name only with a surname after it
_TRIGGERS = frozenset({TITLE, WEAK, FIRST, LAST})  # words that make a text worth a closer look
MAX_NAME_WORDS = 4  # a first name and at most three more words
_CACHE_LIMIT = 200_000

_ROMAN = re.compile(r"[IVX]{2,5}$")
# a run of capitalised words, one space apart (one C-level findall: the hot path)
_CAPITAL = r"[A-Z\u00c0-\u00de\u0100-\u024f][\w'’-]*"
_RUNS = re.compile(rf"{_CAPITAL}(?: {_CAPITAL})*")
# words that may stand between two capitalised parts of one name
PARTICLES = frozenset({
    "von", "vom", "zu", "zur", "van", "de", "der", "den", "des", "di", "da", "del", "della",
    "dei", "degli", "du", "le", "la", "dos", "das", "do", "ten", "ter", "af",
})
# languages where a known surname alone is too often an everyday word (Dutch "Blom", "Laan")
_NO_LONE_LAST = frozenset({"nl"})
_ARTICLES = frozenset({"der", "den", "des", "das"})  # only after van, von, de: "van der"
# a company form after the name: "Agustina Pino Gallego S.A.", "Wesack Mende GmbH"
_COMPANY_AFTER = re.compile(
    r"(?:,? (?:GmbH|AG|KG|KGaA|OHG|UG|e\.V\.|S\.A\.|SA|S\.L\.|S\.L\.L\.|SL|SLL|S\.A\.S\.|SAS|"
    r"SARL|S\.r\.l\.|s\.r\.l\.|Srl|SRL|S\.p\.A\.|SpA|SPA|s\.n\.c\.|s\.a\.s\.|B\.V\.|BV|N\.V\.|NV|"
    r"Sp\.|sp\.|s\.c\.|S\.C\.|Lda|Ltda|S/A|AB|HB|Ltd|Inc|LLC|plc|PLC|Group|Gruppe|Groupe|"
    r"Grupo|Gruppo|Grupa|e [Ff]igli|e [Ff]ilhos|i syn|& |und |et |y |e Hijos|Hnos|Company)"
    r"(?![\w]))"
)


class Gazetteer(NamedTuple):
    """Case-folded first names, surnames, non-name words, places and surrogate-list words."""

    first: frozenset[str]
    last: frozenset[str]
    stop: frozenset[str]
    places: frozenset[str]
    german_words: frozenset[str]  # names that are also German words: never alone in German
    german_first: frozenset[str]  # first names of the German surrogate list: alone is fine


def _read_words(name: str) -> frozenset[str]:
    text = resources.files("optout.redact.data").joinpath(name).read_text("utf-8")
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


@cache
def gazetteer() -> Gazetteer:
    """The shipped gazetteers (``person_first.txt``, ``person_last.txt``, ``person_stop.txt``)
    and the words of the surrogate-name lists (see ``build_gazetteers.py`` for provenance)."""
    from optout.redact.names import name_list

    stop = _read_words("person_stop.txt")
    return Gazetteer(_read_words("person_first.txt"), _read_words("person_last.txt"), stop,
                     _read_words("person_place.txt"),
                     _read_words("person_noun_de.txt"),
                     frozenset(n.casefold() for n in name_list("de").first) - stop)


class PersonNameDetector(BaseDetector):
    """Person names in running text, by rules over capitalised words (see docs/redaction.md):

    - a title or honorific and the capitalised words after it (``Frau Kalselbach``,
      ``sig. Rossi``, ``Mme Belcourt``);
    - a known first name followed by one to three capitalised words that are not common words
      (``Anna Brühelmeyer``, ``Jean-Luc de Villecourt``, ``George W. Bush``);
    - a known first name alone (``Danke, Jochen!``), and, outside German, a known surname alone;
    - never a first name and surname of one surrogate list (what a build writes, so a real
      "Peter Meyer" is missed too), nor a name a company form follows (``... GmbH``).
    """

    labels = frozenset({"person"})

    def __init__(self, names: Gazetteer | None = None, *, lone_first: bool = True,
                 lone_last: bool = True) -> None:
        self.names = names or gazetteer()
        self.lone_first = lone_first
        self.lone_last = lone_last
        self._kinds: dict[str, int] = {}  # every word seen, and its kind
        self._seen: set[str] = set()  # the keys of _kinds, for set operations
        self._triggers: set[str] = set()  # seen words that are names or titles

    def might_contain(self, text: str) -> bool:
        """Whether ``text`` holds a capitalised word that is a known name or a title."""
        return not text[1:].islower() and bool(self._chunks(text))

    def kind(self, word: str) -> int:
        """TITLE, STOP, PLACE, FIRST, LAST or OTHER for one capitalised word (memoised)."""
        if word not in self._kinds:
            self._learn({word})
        return self._kinds[word]

    def _classify(self, word: str) -> int:
        folded = word.casefold()
        names = self.names
        if not word[0].isupper() or word[-1] in "-'’":
            return STOP  # "ł..." lies in the upper-case range of the run pattern; "Anna-"
        if len(word) == 1 or _ROMAN.match(word):
            return OTHER  # an initial ("W."), a regnal number ("Ludwig XIV.")
        if word.isupper():
            return STOP  # acronyms and shouting, not names
        if folded in names.stop or folded in names.places:
            if folded in _TITLES:
                return TITLE
            if folded in names.first and folded not in _NEVER_NAMES:
                return WEAK
            return STOP if folded in names.stop else PLACE
        for form in _forms(folded):
            if form in names.first:
                return FIRST
        for form in _forms(folded):
            if form in names.last:
                return LAST
        if "-" in folded:  # "Wolf-Heinrich", "Müller-Scheessel": by their parts
            parts = folded.split("-")
            if all(p in names.first or p in names.last for p in parts):
                return FIRST if parts[0] in names.first else LAST
        return OTHER

    def find(self, text: str, region: str | None = None, lang: str | None = None
             ) -> list[Span]:
        """Person spans in ``text`` (key None), by start; ``lang`` tunes the rules."""
        if text[1:].islower():
            return []
        chunks = self._chunks(text)
        if not chunks:
            return []
        spans: list[Span] = []
        for chunk, kinds in chunks:
            self._chunk(text, chunk, kinds, lang, spans)
        return spans

    def _chunks(self, text: str) -> list[tuple[list[tuple[int, int]], list[int]]]:
        """Runs of capitalised words (joined over particles and initials) that hold a known
        name or a title, with their words' kinds; empty for most texts (the cheap path: one
        ``findall`` and set operations, in C)."""
        runs = _RUNS.findall(text)
        if not runs:
            return []
        words = set(" ".join(runs).split(" "))
        if not words <= self._seen:
            self._learn(words - self._seen)
        triggers = self._triggers
        if triggers.isdisjoint(words):
            return []
        known = self._kinds
        chunks: list[tuple[list[tuple[int, int]], list[int]]] = []
        position = 0
        for run in runs:
            start = text.find(run, position)
            position = start + len(run)
            while ((start and (text[start - 1].isalnum() or text[start - 1] in _NOT_AFTER))
                   or not run[0].isupper()):
                # inside a word, handle, hashtag, URL or email ("@anna Schmidt"), or a
                # lower-case letter of the range ("też Karol"): drop the first word
                cut = run.find(" ")
                if cut < 0:
                    break
                run = run[cut + 1:]
                start += cut + 1
            if not run[0].isupper() or (start and (text[start - 1].isalnum()
                                                   or text[start - 1] in _NOT_AFTER)):
                continue
            joined = bool(chunks) and _joins(text, chunks[-1][0][-1], start)
            if not joined and run not in triggers and (
                    " " not in run or triggers.isdisjoint(run.split(" "))):
                continue
            tokens: list[tuple[int, int]] = []
            kinds: list[int] = []
            cursor = start
            for word in run.split(" "):
                tokens.append((cursor, cursor + len(word)))
                kinds.append(known[word])
                cursor += len(word) + 1
            if joined:
                chunks[-1][0].extend(tokens)
                chunks[-1][1].extend(kinds)
            else:
                chunks.append((tokens, kinds))
        return chunks

    def _learn(self, words: set[str]) -> None:
        """Classify words seen for the first time (memoised; cleared past a size limit)."""
        if len(self._seen) > _CACHE_LIMIT:
            self._seen, self._triggers, self._kinds = set(), set(), {}
        for word in words:
            kind = self._kinds[word] = self._classify(word)
            self._seen.add(word)
            if kind in _TRIGGERS:
                self._triggers.add(word)

    def _chunk(self, text: str, chunk: list[tuple[int, int]], kinds: list[int],
               lang: str | None, spans: list[Span]) -> None:
        """Add the names found in one run of capitalised words to ``spans``."""
        count = len(chunk)
        if count == 1 and STOP <= kinds[0] < FIRST:
            return  # one stop word or place: the common case
        if count > 1 and _ARTICLES.intersection(text[chunk[0][0]:chunk[-1][1]].split()):
            parts = _split_articles(text, chunk)
            if len(parts) > 1:
                at = 0
                for part in parts:
                    self._chunk(text, part, kinds[at:at + len(part)], lang, spans)
                    at += len(part)
                return
        i = 0
        if _title_before(text, chunk[0][0]):
            i = self._take(text, chunk, kinds, 0, spans, minimum=1)
        while i < count:
            kind = kinds[i]
            if kind == TITLE:
                i = self._take(text, chunk, kinds, i + 1, spans, minimum=1)
            elif kind == FIRST:
                end = _extend(kinds, i + 1)
                if end > i + 1 or (self.lone_first and count == 1
                                   and self._alone(text, chunk[i], lang)):
                    self._add(text, chunk[i][0], chunk[end - 1][1], spans)
                i = max(end, i + 1)
            elif kind == WEAK:
                end = _extend(kinds, i + 1)
                if any(k >= LAST for k in kinds[i + 1:end]):
                    self._add(text, chunk[i][0], chunk[end - 1][1], spans)
                i = max(end, i + 1)
            elif (kind == LAST and count == 1 and self.lone_last and lang not in _NO_LONE_LAST
                  and self._alone(text, chunk[i], lang)):
                self._add(text, chunk[i][0], chunk[i][1], spans)
                i += 1
            else:
                i += 1

    def _alone(self, text: str, token: tuple[int, int], lang: str | None) -> bool:
        """Whether a name word standing alone counts: in German not when it is also a word."""
        if lang not in (None, "de"):
            return True
        word = text[token[0]:token[1]].casefold()
        names = self.names
        if word in names.german_first:
            return True  # a German first name (Martin, Anna) even where it is also a word
        return not any(form in names.german_words for form in _forms(word))

    def _take(self, text: str, chunk: list[tuple[int, int]], kinds: list[int], start: int,
              spans: list[Span], minimum: int) -> int:
        """Words after a title: up to three that are not stop words; returns the next index."""
        end = _extend(kinds, start, MAX_NAME_WORDS - 1)
        if end - start >= minimum:
            self._add(text, chunk[start][0], chunk[end - 1][1], spans)
        return max(end, start)

    def _add(self, text: str, start: int, end: int, spans: list[Span]) -> None:
        if end - start > 2 and text[end - 2] == " ":
            end -= 2  # a trailing initial: "Thomas L.", or the S of "Pino S.A."
        if _COMPANY_AFTER.match(text, end):
            return
        if end - start < 2 or not any(len(w) > 1 for w in text[start:end].split()):
            return  # initials alone are not a name
        if is_surrogate_name(text[start:end]):
            return  # a first name and surname of one surrogate list: what a build writes
        spans.append(Span(start, end, "person"))


@cache
def _surrogate_masks() -> tuple[dict[str, int], dict[str, int]]:
    """For each case-folded surrogate first name and surname, a bit per list that holds it."""
    from optout.redact.names import LANGUAGES, name_list

    first: dict[str, int] = {}
    last: dict[str, int] = {}
    for bit, lang in enumerate(LANGUAGES):
        names = name_list(lang)
        for name in names.first:
            first[name.casefold()] = first.get(name.casefold(), 0) | 1 << bit
        for name in names.last:
            last[name.casefold()] = last.get(name.casefold(), 0) | 1 << bit
    return first, last


def is_surrogate_name(value: str) -> bool:
    """Whether ``value`` is "First Last" with both from one surrogate list (``names_*.txt``):
    the shape of every person surrogate a build writes. Real people named so look the same."""
    words = value.split()
    if len(words) != 2:
        return False
    first, last = _surrogate_masks()
    return bool(first.get(words[0].casefold(), 0) & last.get(words[1].casefold(), 0))


# function words that are also first names somewhere ("Will", "Don", "Per", "Ole"...) and
# never start a name, even before a capitalised word
_NEVER_NAMES = frozenset({
    "will", "may", "per", "ole", "an", "as", "so", "de", "da", "do", "la", "le", "el", "il",
    "ha", "ho", "ja", "nie", "ten", "van", "von", "den", "der", "die", "das", "es", "en",
    "the", "and", "for", "in", "on", "at", "to", "we", "he", "me", "ma", "mi", "mo", "ne",
    "no", "si", "sí", "un", "una", "ich", "du", "er", "sie", "wir", "ihr", "am", "im",
    "um", "zu", "och", "om", "av", "på", "god", "gott", "dear", "liebe", "lieber", "chère",
    "cher", "hallo", "hello", "hi", "hey", "hej", "ciao", "dank", "grace", "hope", "joy",
    "faith", "art", "bill", "summer", "winter", "august", "april", "june", "mai",
})
_NOT_AFTER = frozenset("@#/.&+'’-_")
_LOWER_TITLES = frozenset({
    "herr", "herrn", "frau", "dr", "prof", "mme", "mlle", "m", "mr", "mrs", "ms", "sig",
    "sig.ra", "sigg", "signor", "signora", "dott", "dott.ssa", "pan", "pani", "panem", "panią",
    "panu", "don", "doña", "dona", "sr", "sra", "srta", "dhr", "mevr", "mw", "meneer",
    "mevrouw", "fru", "herra",
})
_TITLES = frozenset({
    "herr", "herrn", "frau", "dr", "prof", "mme", "mlle", "monsieur", "madame", "mademoiselle",
    "mr", "mrs", "ms", "miss", "sir", "lady", "lord", "sig", "signor", "signora", "signorina",
    "dott", "pan", "pani", "panem", "panią", "señor", "señora", "señorita", "sr", "sra", "srta",
    "don", "doña", "dona", "senhor", "senhora", "dhr", "mevr", "mw", "meneer", "mevrouw", "fru",
    "herra",
})


def _forms(folded: str) -> tuple[str, ...]:
    """The word and, for a genitive (``Hodlers``, ``Anna's``), the word without its ending."""
    if folded.endswith(("'s", "’s")):
        return folded, folded[:-2]
    if folded.endswith("s") and len(folded) > 3:
        return folded, folded[:-1]
    return (folded,)


def _extend(kinds: list[int], start: int, most: int = MAX_NAME_WORDS - 1) -> int:
    """The end of the run of name-like words (not titles, not stop words) from ``start``."""
    end = start
    while end < len(kinds) and end - start < most and kinds[end] >= WEAK:
        end += 1
    return end


def _joins(text: str, previous: tuple[int, int], start: int) -> bool:
    """Whether a word at ``start`` continues the name that ``previous`` belongs to: one space
    between them, an initial's ". ", or particles ("van der", "d'")."""
    gap = start - previous[1]
    if gap == 1:
        return text[previous[1]] == " "
    if gap == 2 and previous[1] - previous[0] == 1:
        return text[previous[1]:start] == ". "  # an initial: "George W. Bush"
    if gap > 12 or text[previous[1]] != " ":
        return False
    inner = text[previous[1]:start].split()
    if inner and inner[-1][-2:] in ("d'", "d’"):
        inner[-1] = inner[-1][:-2]
        if not inner[-1]:
            inner.pop()
    return bool(inner) and all(w in PARTICLES for w in inner) and text[start - 1] in " '’"


def _split_articles(text: str, chunk: list[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    """``chunk`` cut where a German article joins two words ("Echo der Wähler"), but not
    after van, von or de ("van der Berg")."""
    if len(chunk) < 2:
        return [chunk]
    parts = [[chunk[0]]]
    for previous, token in pairwise(chunk):
        gap = text[previous[1]:token[0]].split()
        if gap and _ARTICLES.intersection(gap) and gap[0] not in ("van", "von", "de"):
            parts.append([token])
        else:
            parts[-1].append(token)
    return parts


def _title_before(text: str, start: int) -> bool:
    """Whether a title in lower case ("sig.", "pan", "dr.") stands right before ``start``."""
    if start < 2 or text[start - 1] != " ":
        return False
    begin = text.rfind(" ", 0, start - 1) + 1
    return text[begin:start - 1].rstrip(".").casefold() in _LOWER_TITLES
