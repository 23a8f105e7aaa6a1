"""Names of people without an account: first-name and surname gazetteers plus capitalisation
and context rules, in every language of the sample (no model, a few µs a text)."""

from __future__ import annotations

import gzip
import re
from functools import cache
from importlib import resources
from itertools import pairwise
from typing import NamedTuple

from optout.redact.spans import BaseDetector, Span

# token kinds, by precedence: a title, a stop word or a place never starts a name; a name
# goes on over first names, surnames and unknown capitalised words (kind >= FIRST)
TITLE, STOP, PLACE, WEAK, FIRST, LAST, NAME, OTHER = range(8)  # WEAK: a first name that is
# also an everyday word or a place ("Rosa", "Mark", "Victoria"): a name only with a surname
# after it; NAME: in German text only, a word German uses as a name ("Stoiber", "Fischer")
_TRIGGERS = frozenset({TITLE, WEAK, FIRST, LAST})  # words that make a text worth a closer look
MAX_NAME_WORDS = 4  # a first name and at most three more words
_CACHE_LIMIT = 200_000

_ROMAN = re.compile(r"[IVX]{2,5}$")
# a capital inside a word, not after a hyphen or apostrophe; but "McCartney", "DiCaprio"
_ODD_CASE = re.compile(r"[^\W_][^\W\d_]*?(?<=[^\W\d_])[A-ZÀ-ÖØ-Þ]")
_NAME_PREFIX = re.compile(r"(?:Ma?c|Fitz|De|Di|Da|Du|La|Le|Van|Von)[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ]+$")
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
    german_words: frozenset[str]  # names that are also German nouns: never alone in German
    german_first: frozenset[str]  # first names of the German surrogate list: alone is fine
    names_de: frozenset[str]  # words German text uses as names (Brown clusters, see build)
    lower_de: frozenset[str]  # names German writes more often in lower case ("Dann")
    first_de: frozenset[str]  # first names of German text that Faker lacks ("Yehudi")


def _read_words(name: str) -> frozenset[str]:
    path = resources.files("optout.redact.data").joinpath(name)
    if name.endswith(".gz"):
        text = gzip.decompress(path.read_bytes()).decode("utf-8")
    else:
        text = path.read_text("utf-8")
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
                     frozenset(n.casefold() for n in name_list("de").first) - stop,
                     _read_words("person_name_de.txt"), _read_words("person_lower_de.txt"),
                     _read_words("person_first_de.txt"))


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
        self._first_masks, self._last_masks = _surrogate_masks()
        self.lone_first = lone_first
        self.lone_last = lone_last
        self._kinds: dict[str, int] = {}  # every word seen, and its kind
        self._seen: set[str] = set()  # the keys of _kinds, for set operations
        self._triggers: set[str] = set()  # seen words that are names or titles
        self._german: dict[str, int] = {}  # seen words that are names in German text only
        self._triggers_de: set[str] = set()  # _triggers and the keys of _german
        self._runs: dict[str, bool] = {}  # runs of capitalised words seen: any trigger in it?
        self._runs_de: dict[str, bool] = {}  # the same with German triggers
        self._infos: dict[str, tuple[tuple[tuple[int, int], ...], tuple[int, ...], bool]] = {}
        self._infos_de: dict[str, tuple[tuple[tuple[int, int], ...], tuple[int, ...], bool]] = {}

    def might_contain(self, text: str) -> bool:
        """Whether ``text`` holds a capitalised word that is a known name or a title."""
        return not text[1:].islower() and bool(self._chunks(text, None))

    def _first_word_counts(self, text: str, lang: str | None) -> bool:
        """For a text whose only capital is its first letter: whether its first word is a
        name or a title worth a look ("Pischetsrieder wollte das nicht kommentieren."; in
        German only, where the word lists tell names from words at a sentence start)."""
        first = _RUNS.match(text)
        if first is None:
            return False
        word = first.group().split(" ", 1)[0]
        if word not in self._seen:
            self._learn({word})
        return word in (self._triggers_de if lang == "de" else self._triggers)

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
        if word.isupper() or _odd_case(word):
            return STOP  # acronyms, shouting and odd case ("ARD", "ARu", "RuA"), not names
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
        if text[1:].islower() and (lang != "de" or not self._first_word_counts(text, lang)):
            return []  # no capital but the first letter: in German the first word may count
        chunks = self._chunks(text, lang)
        spans: list[Span] = []
        for chunk, kinds in chunks:
            self._chunk(text, chunk, kinds, lang, spans)
        if lang == "de" and self.lone_last and _REPORTED_HINT_DE.search(text):
            self._reported(text, spans)
        return spans

    def _reported(self, text: str, spans: list[Span]) -> None:
        """German reported speech: an unknown capitalised word right after a verb of saying
        that ends a clause ("..., klagt Dumbreck.", "sagte Eun-Sun der Zeitung")."""
        for match in _REPORTED_DE.finditer(text):
            group = 1 if match.group(1) else 2
            start, end = match.span(group)
            word = match.group(group)
            kind = self._german.get(word, self.kind(word))
            if kind not in (WEAK, FIRST, LAST, NAME, OTHER):
                continue  # no title, stop word or place
            if any(s.start < end and start < s.end for s in spans):
                continue
            self._add(text, start, end, spans)
        spans.sort(key=lambda s: s.start)

    def _chunks(self, text: str, lang: str | None
                ) -> list[tuple[list[tuple[int, int]], list[int]]]:
        """Runs of capitalised words (joined over particles and initials) that hold a known
        name or a title, with their words' kinds; empty for most texts (the cheap path: one
        ``findall`` and set operations, in C)."""
        runs = _RUNS.findall(text)
        if not runs:
            return []
        german = lang == "de"
        memo = self._runs_de if german else self._runs
        flags = [memo.get(run) for run in runs]
        if None in flags:
            flags = self._flag_runs(runs, flags, memo, german)
        if True not in flags:
            return []
        infos = self._infos_de if german else self._infos
        chunks: list[tuple[list[tuple[int, int]], list[int]]] = []
        position = 0
        for run, flag in zip(runs, flags, strict=True):
            if not flag and not chunks:
                continue  # no name in it, and no name before it to join
            start = text.find(run, position)
            if start < 0:
                continue
            end = start + len(run)
            if (start and text[start - 1] != " ") or text[end:end + 1].isalnum():
                placed = _place(text, run, start)  # the rare slow path
                if placed is None:
                    continue
                run, start, end = placed
            if not flag and start - chunks[-1][0][-1][1] > _MAX_JOIN_GAP:
                continue  # no name in it, and too far from the last name to join it
            position = end
            info = infos.get(run)
            if info is None:
                info = self._run_info(run, german)
            offsets, kinds, trigger = info
            joined = bool(chunks) and _joins(text, chunks[-1][0][-1], start)
            if not joined and not trigger:
                continue
            tokens = [(start + a, start + b) for a, b in offsets]
            if joined:
                chunks[-1][0].extend(tokens)
                chunks[-1][1].extend(kinds)
            else:
                chunks.append((tokens, list(kinds)))
        return chunks

    def _run_info(self, run: str, german: bool
                  ) -> tuple[tuple[tuple[int, int], ...], tuple[int, ...], bool]:
        """A run's words as offsets into it, their kinds, and whether one is a name or title
        (memoised per run)."""
        words = run.split(" ")
        if not self._seen.issuperset(words):
            self._learn(set(words) - self._seen)
        known = self._german if german else {}
        fallback = self._kinds
        offsets = []
        cursor = 0
        for word in words:
            offsets.append((cursor, cursor + len(word)))
            cursor += len(word) + 1
        info = (tuple(offsets), tuple(known.get(w, fallback[w]) for w in words),
                not (self._triggers_de if german else self._triggers).isdisjoint(words))
        infos = self._infos_de if german else self._infos
        if len(infos) > _CACHE_LIMIT:
            infos.clear()
        infos[run] = info
        return info

    def _flag_runs(self, runs: list[str], flags: list[bool | None], memo: dict[str, bool],
                   german: bool) -> list[bool | None]:
        """Whether each run holds a name or title word, for runs not yet in ``memo``."""
        words = set(" ".join(run for run, flag in zip(runs, flags, strict=True)
                             if flag is None).split(" "))
        if not words <= self._seen:
            self._learn(words - self._seen)
            memo = self._runs_de if german else self._runs  # _learn may have cleared it
        triggers = self._triggers_de if german else self._triggers
        if len(memo) > _CACHE_LIMIT:
            memo.clear()
        for run in runs:
            if run not in memo:
                memo[run] = not triggers.isdisjoint(run.split(" "))
        return [memo[run] for run in runs]

    def _learn(self, words: set[str]) -> None:
        """Classify words seen for the first time (memoised; cleared past a size limit)."""
        if len(self._seen) > _CACHE_LIMIT:
            self._seen, self._triggers, self._kinds = set(), set(), {}
            self._german, self._triggers_de = {}, set()
            for memo in (self._runs, self._runs_de, self._infos, self._infos_de):
                memo.clear()
        names_de = self.names.names_de
        places = self.names.places
        for word in words:
            kind = self._kinds[word] = self._classify(word)
            self._seen.add(word)
            if kind in _TRIGGERS:
                self._triggers.add(word)
                self._triggers_de.add(word)
            if kind in (STOP, OTHER) and _ROLE_DE.search(word) and "-" not in word[-4:]:
                self._german[word] = TITLE  # "Bundeskanzler", "CSU-Chef": a title in German
                self._triggers_de.add(word)
            elif (kind in (STOP, OTHER) and word[0].isupper() and not word.isupper()
                    and len(word) > 1 and not _ROMAN.match(word) and not _odd_case(word)
                    and any(f in names_de for f in _forms(word.casefold()))
                    and not any(f in places for f in _forms(word.casefold()))):
                self._german[word] = NAME
                self._triggers_de.add(word)

    def _chunk(self, text: str, chunk: list[tuple[int, int]], kinds: list[int],
               lang: str | None, spans: list[Span]) -> None:
        """Add the names found in one run of capitalised words to ``spans``."""
        count = len(chunk)
        if count == 1 and STOP <= kinds[0] < FIRST:
            return  # one stop word or place: the common case
        if (count > 1 and not text[chunk[0][0]:chunk[-1][1]].istitle()
                and _ARTICLES.intersection(text[chunk[0][0]:chunk[-1][1]].split())):
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
                more = any(b - a > 1 for a, b in chunk[i + 1:end])  # not only initials
                if more or (self.lone_first and (count == 1 or end > i + 1
                                                or (lang == "de" and i + 1 == count))
                            and self._alone(text, chunk, kinds, i, lang)):
                    self._add(text, chunk[i][0], chunk[end - 1][1], spans)
                i = max(end, i + 1)
            elif kind == WEAK:
                end = _extend(kinds, i + 1)
                if any(k >= LAST for k in kinds[i + 1:end]):
                    self._add(text, chunk[i][0], chunk[end - 1][1], spans)
                i = max(end, i + 1)
            elif (lang == "de" and kind == NAME and i + 1 < count and kinds[i + 1] >= LAST
                  and (i + 2 == count or kinds[i + 2] < WEAK)
                  and (kinds[i + 1] != OTHER
                       or text[chunk[i][0]:chunk[i][1]].casefold() in self.names.first_de)
                  and self._alone(text, chunk, kinds, i, lang)):
                self._add(text, chunk[i][0], chunk[i + 1][1], spans)  # "Bolko Hoffmann"
                i += 2
            elif lang == "de" and kind in (LAST, NAME):
                if (self.lone_last and (i + 1 == count or kinds[i + 1] < WEAK)
                        and self._alone(text, chunk, kinds, i, lang)):
                    self._add(text, chunk[i][0], chunk[i][1], spans)
                i += 1
            elif (kind == LAST and count == 1 and self.lone_last and lang not in _NO_LONE_LAST
                  and self._alone(text, chunk, kinds, i, lang)):
                self._add(text, chunk[i][0], chunk[i][1], spans)
                i += 1
            else:
                i += 1

    def _alone(self, text: str, chunk: list[tuple[int, int]], kinds: list[int], i: int,
               lang: str | None) -> bool:
        """Whether name word ``i`` of ``chunk`` counts standing alone. Outside German: yes,
        except (without a language) a word that is also a German noun. In German: a first name
        of the German list, or a word German uses as a name that is not also a noun; and never
        after an article ("der Fischer"), a number ("5 Mark") or a capitalised word that is not
        a title, nor at a sentence start where German writes the word in lower case ("Dann")."""
        start, end = chunk[i]
        word = text[start:end].casefold()
        names = self.names
        if lang != "de":
            return lang is not None or not any(f in names.german_words for f in _forms(word))
        before = _words_before(text, start)
        if not i and before and before[-1] in _SAYS_DE:
            return True  # "sagte Hirsch", "so Fischer": a name even where it is a word
        if word not in names.german_first:
            forms = _forms(word)
            if any(f in names.german_words for f in forms):
                return False
            if kinds[i] != FIRST and not any(f in names.names_de for f in forms):
                return False
        if i and kinds[i] == FIRST:
            previous = chunk[i - 1]
            if text[previous[0]:previous[1]].casefold().rstrip(".") in _PLACE_BEFORE:
                return False  # "Los Angeles", "Santa Maria"; but "das Ehepaar Max"
        elif i and kinds[i - 1] not in (TITLE, STOP) and not (
                i == 1 and len(chunk) == 2 and (_sentence_start(text, chunk[0][0])
                                                or self._apposition(text, chunk, kinds))):
            return False  # "Deutsche Bank", "Hotel Adlon": part of a longer capitalised name
        if not before or before[-1][-1] in _SENTENCE_END:
            return word not in names.lower_de
        previous = before[-1]
        if previous in _DETERMINERS_DE or previous[-1].isdigit():
            return False
        return not (len(before) > 1 and before[-2] in _DETERMINERS_DE
                    and previous.endswith(("e", "en", "er", "es", "em"))
                    and text[start - len(previous) - 1].islower())  # "der alte Fischer"

    def _apposition(self, text: str, chunk: list[tuple[int, int]], kinds: list[int]) -> bool:
        """German "der Katholik Fischer", "die Seismologin Lehmann": an article, a noun that
        is no name, then the name."""
        before = _words_before(text, chunk[0][0])
        return (kinds[0] == OTHER and bool(before) and before[-1] in _ARTICLES_DE
                and text[chunk[0][1] - 1].islower())

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
        if end - start < 2 or _COMPANY_AFTER.match(text, end) or text.startswith("(", end):
            return  # "... GmbH", and "Tris(trimethylsilyl)": a formula, not a name
        name = text[start:end]
        if " " in name:
            words = name.split()
            if len(words) == 2 and (self._first_masks.get(words[0].casefold(), 0)
                                    & self._last_masks.get(words[1].casefold(), 0)):
                return  # a first name and surname of one surrogate list: what a build writes
            if max(map(len, words)) < 2:
                return  # initials alone are not a name
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
    return len(words) == 2 and is_surrogate_pair(words[0], words[1])


def is_surrogate_pair(first: str, last: str) -> bool:
    """Whether ``first`` and ``last`` are a first name and surname of one surrogate list."""
    firsts, lasts = _surrogate_masks()
    return bool(firsts.get(first.casefold(), 0) & lasts.get(last.casefold(), 0))


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
_MAX_JOIN_GAP = 12  # the most characters of particles between two parts of one name
_NOT_AFTER = frozenset("@#/.&+'’-_")
_LOWER_TITLES = frozenset({
    "herr", "herrn", "frau", "dr", "prof", "mme", "mlle", "m", "mr", "mrs", "ms", "sig",
    "sig.ra", "sigg", "signor", "signora", "dott", "dott.ssa", "pan", "pani", "panem", "panią",
    "panu", "don", "doña", "dona", "sr", "sra", "srta", "dhr", "mevr", "mw", "meneer",
    "mevrouw", "fru", "herra",
})
_TITLE_ENDS = frozenset({w[-1] for w in _LOWER_TITLES} | {"."})  # a cheap first look
_TITLES = frozenset({
    "herr", "herrn", "frau", "dr", "prof", "mme", "mlle", "monsieur", "madame", "mademoiselle",
    "mr", "mrs", "ms", "miss", "sir", "lady", "lord", "sig", "signor", "signora", "signorina",
    "dott", "pan", "pani", "panem", "panią", "señor", "señora", "señorita", "sr", "sra", "srta",
    "don", "doña", "dona", "senhor", "senhora", "dhr", "mevr", "mw", "meneer", "mevrouw", "fru",
    "herra",
})


# German nouns of roles and kinship that stand before a name like a title ("Bundeskanzler
# Merkel", "CSU-Chef Seehofer", "Trainerin Neid"), by their last part, in the forms before a name
_ROLE_DE = re.compile(
    r"(?:präsident|minister|kanzler|chef|trainer|spieler|leiter|sprecher|direktor|sekretär|"
    r"vorsitzende|politiker|sänger|schauspieler|regisseur|professor|bischof|könig|kaiser|papst|"
    r"herzog|graf|fürst|prinz|prinzessin|general|kommissar|richter|anwalt|arzt|abgeordnete|"
    r"meister|kollege|kandidat|stürmer|torwart|torhüter|verteidiger|gründer|komponist|dichter|"
    r"maler|architekt|künstler|journalist|autor|pianist|dirigent|schriftsteller|manager|"
    r"führer|sohn|tochter|bruder|schwester|neffe|nichte|witwe|gattin|ehemann|ehefrau|"
    r"kommandant|leutnant|major|oberst|kapitän|pfarrer|pastor|kardinal|senator|gouverneur|"
    r"botschafter|beauftragte|experte|forscher|historiker|ökonom|analyst|kritiker|moderator|"
    r"reporter|produzent|gitarrist|fahrer|boxer|sieger|coach|intendant|kurator|rektor|dekan|"
    r"musiker|rapper|star|ritter|freiherr|zar|sultan|emir|pharao|kaiserin|königin|"
    r"herzogin|gräfin|fürstin|vater|mutter|onkel|tante|großvater|großmutter|kollegin|"
    r"freundin|freund|partner|partnerin|ehegatte|lebensgefährte|lebensgefährtin|"
    r"sprecherin|ministerin|kanzlerin|präsidentin|chefin|trainerin|spielerin|leiterin|"
    r"direktorin|sängerin|schauspielerin|autorin|politikerin|abgeordneter|vorsitzender|"
    r"fotograf|fotografin|lehrer|lehrerin|student|studentin|engel|heilige|heiliger|ehepaar|"
    r"kämpfer|aktivist|aktivistin|bauer|händler|unternehmer|erbe|ingenieur|erzieherin|familie)"
    r"(?:en|n|s)?$", re.IGNORECASE)
# words right before a name in reported speech: "sagte Hirsch", "so Fischer", "laut Koch"
_SAYS_DE = frozenset({
    "sagte", "sagt", "so", "erklärte", "erklärt", "meinte", "meint", "betonte", "betont",
    "kritisierte", "kritisiert", "laut", "berichtete", "berichtet", "schreibt", "schrieb",
    "warnte", "warnt", "forderte", "fordert", "ergänzte", "ergänzt", "klagt", "klagte",
    "sagten", "erklärten", "bestätigte", "bestätigt", "versicherte", "verspricht",
    "versprach", "räumte", "lobte", "lobt", "freute", "freut", "glaubt", "glaubte", "hofft",
    "hoffte", "weiß", "wusste", "findet", "fand", "antwortete", "antwortet", "fragte", "fragt",
})
# a verb of saying and one capitalised word that ends the clause or goes on in lower case
_REPORTED_DE = re.compile(
    r"(?:(?<![\w-])(?:sagte|sagt|erklärte|meinte|betonte|kritisierte|klagt|klagte|warnte|"
    r"ergänzte|bemerkte|fügte|räumte|ermunterte|ermuntert|berichtete|schreibt|schrieb)"
    r" ([A-ZÄÖÜ][a-zäöüß]+(?:-[A-ZÄÖÜ][a-zäöüß]+)?)(?= ?[.,;:!?)\"“”]| [a-zäöü]|$)"
    r"|(?<=[,\"“”] )so ([A-ZÄÖÜ][a-zäöüß]+(?:-[A-ZÄÖÜ][a-zäöüß]+)?)(?= ?[.!]))")
_REPORTED_HINT_DE = re.compile(  # a cheap first look for _REPORTED_DE (a literal alternation)
    "sagt|erklärt|meint|betont|kritisiert|klagt|warnt|ergänzt|bemerkt|fügt|räumt|ermunter|"
    "berichtet|schr|so ")
# words that start place names before a first name ("Santa Maria", "Puerto Rico")
_PLACE_BEFORE = frozenset({
    "san", "santa", "santo", "são", "sao", "st", "sankt", "saint", "sainte", "los", "las",
    "el", "la", "le", "port", "porto", "puerto", "fort", "mount", "lake", "cape", "kap", "bad",
    "new", "nueva", "nuevo", "villa", "ville", "monte", "mont", "costa", "rio",
})
_ARTICLES_DE = frozenset({"der", "die", "das", "den", "dem", "des"})
_SENTENCE_END = frozenset(".!?:;\"“”„«»'‚‘’(–-")
_DETERMINERS_DE = frozenset({
    "der", "die", "das", "den", "dem", "des", "ein", "eine", "einen", "einem", "einer", "eines",
    "kein", "keine", "keinen", "keinem", "keiner", "keines", "dieser", "diese", "dieses",
    "diesen", "diesem", "jeder", "jede", "jedes", "jeden", "jedem", "jener", "jene", "jenes",
    "jenen", "jenem", "welcher", "welche", "welches", "welchen", "welchem", "mein", "meine",
    "meinen", "meinem", "meiner", "meines", "dein", "deine", "deinen", "deinem", "deiner",
    "sein", "seine", "seinen", "seinem", "seiner", "seines", "ihr", "ihre", "ihren", "ihrem",
    "ihrer", "ihres", "unser", "unsere", "unseren", "unserem", "unserer", "euer", "eure",
    "im", "am", "zum", "zur", "vom", "beim", "ins", "ans", "aufs", "ums", "durchs", "fürs",
    "viele", "vielen", "alle", "allen", "einige", "einigen", "mehrere", "mehreren", "manche",
    "solche", "solchen", "kaum", "wenig", "wenige", "etwas", "viel", "mehr", "zwei", "drei",
})


def _place(text: str, run: str, start: int) -> tuple[str, int, int] | None:
    """Where ``run`` (found at ``start`` or later) stands as the regex found it, less a first
    word glued to a handle, URL or word ("@anna Schmidt", "też Karol"): the run, its start
    and end, or None when nothing of it is left."""
    while start >= 0 and (text[start + len(run):start + len(run) + 1].isalnum()
                          or _inside_word(text, start)):
        start = text.find(run, start + 1)  # "Anna" in "Annabella", "Louis" in "Port-Louis"
    if start < 0:
        return None
    end = start + len(run)
    while (start and (text[start - 1].isalnum() or text[start - 1] in _NOT_AFTER)
           ) or not run[0].isupper():
        cut = run.find(" ")
        if cut < 0:
            return None
        run = run[cut + 1:]
        start += cut + 1
    return run, start, end


def _odd_case(word: str) -> bool:
    """A capital inside a word that is not a name's ("RuA", "JPMorgan"; not "McCartney")."""
    return (not word[1:].islower() and _ODD_CASE.search(word) is not None
            and not _NAME_PREFIX.match(word))


def _inside_word(text: str, start: int) -> bool:
    """Whether ``start`` lies inside a longer capitalised word ("Louis" in "Port-Louis",
    "Berg" in "AnnaBerg"), not at the start of a run after a lower-case prefix ("ex-Zombie")."""
    if not start or not (text[start - 1].isalnum() or text[start - 1] in "-'’"):
        return False
    begin = start - 1
    while begin and (text[begin - 1].isalnum() or text[begin - 1] in "-'’"):
        begin -= 1
    return text[begin].isupper()


def _sentence_start(text: str, start: int) -> bool:
    """Whether the word at ``start`` begins the text or a sentence."""
    before = text[max(0, start - 4):start].rstrip()
    return not before or before[-1] in _SENTENCE_END


def _words_before(text: str, start: int) -> list[str]:
    """The two words before ``start``, case-folded (fewer at the text's start); a sentence
    end or quote before the word is kept as its own word's last character."""
    return text[max(0, start - 40):start].casefold().split()[-2:]


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
    if gap > _MAX_JOIN_GAP or text[previous[1]] != " ":
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
    if start < 2 or text[start - 1] != " " or text[start - 2] not in _TITLE_ENDS:
        return False
    begin = text.rfind(" ", 0, start - 1) + 1
    return text[begin:start - 1].rstrip(".").casefold() in _LOWER_TITLES
