"""Street addresses: a street-type word, a street name and a house number, in the sample's
languages, with an optional postcode and town after them."""

from __future__ import annotations

import re

import ahocorasick

from optout.redact.spans import BaseDetector, Span

# streets written as one word ending in the type, then the number: "Hauptstraße 5",
# "Kerkstraat 12", "Storgatan 3" (and "Berliner Straße 10", "Am Alten Weg 3")
SUFFIX_TYPES = {
    # (not "ring", "hof", "markt": "During 1971", "Bahnhof 3", "Supermarkt 2")
    "de": ("straße", "strasse", "str.", "gasse", "weg", "allee", "platz", "damm", "ufer",
           "chaussee", "steig", "pfad", "promenade"),
    "nl": ("straat", "laan", "weg", "plein", "kade", "gracht", "singel", "dijk", "steeg",
           "dreef"),
    "sv": ("gatan", "vägen", "väg", "gränd", "torget", "stigen", "backen", "allén"),
}
# streets written type first, then name, then number: "Calle Mayor 5", "Via Roma 12",
# "Rua Augusta 120", "ul. Długa 5/7"; French and English put the number first instead
PREFIX_TYPES = {
    "es": ("calle", "c/", "avenida", "avda.", "av.", "plaza", "pza.", "paseo", "camino",
           "carrer", "ronda", "travesía", "glorieta", "carretera"),
    "it": ("via", "viale", "piazza", "piazzale", "corso", "vicolo", "largo", "strada",
           "contrada", "lungomare"),
    "pt": ("rua", "avenida", "av.", "travessa", "praça", "largo", "alameda", "estrada",
           "calçada", "beco"),
    "pl": ("ul.", "ulica", "ulicy", "al.", "aleja", "alei", "pl.", "plac", "os.", "osiedle"),
    "fr": ("rue", "avenue", "av.", "boulevard", "bd", "bd.", "place", "chemin", "allée",
           "impasse", "quai", "cours", "route", "passage", "square"),
    "en": ("street", "st.", "st", "road", "rd.", "rd", "avenue", "ave.", "ave", "lane", "ln",
           "drive", "dr.", "close", "way", "place", "crescent", "terrace", "gardens",
           "boulevard"),
}
NUMBER_FIRST = ("fr", "en")  # "12 rue de la Paix", "221B Baker Street"

# the streets of surrogate addresses: invented, recognisably so, one set per language
FICTIONAL_STREETS: dict[str, tuple[str, ...]] = {
    "de": ("Beispielstraße", "Platzhalterweg", "Musterallee"),
    "nl": ("Voorbeeldstraat", "Fictieweg", "Proeflaan"),
    "sv": ("Exempelgatan", "Påhittadvägen", "Provgatan"),
    "fr": ("rue de l'Exemple", "avenue Fictive", "boulevard du Modèle"),
    "es": ("Calle Ficticia", "Avenida del Ejemplo", "Plaza Inventada"),
    "it": ("Via Fittizia", "Viale dell'Esempio", "Piazza Inventata"),
    "pt": ("Rua Fictícia", "Avenida do Exemplo", "Travessa Inventada"),
    "pl": ("ul. Przykładowa", "ul. Fikcyjna", "al. Zmyślona"),
    "en": ("Example Street", "Fictional Road", "Sample Avenue"),
}
FICTIONAL = frozenset(name.casefold() for names in FICTIONAL_STREETS.values() for name in names)

_UP = "A-ZÀ-ÖØ-ÞĀ-ſŁŚŻŹĆŃÓĘĄ"  # capital letters of the sample's languages (a superset)
_NAME_WORD = rf"[{_UP}][\w'’\-]*\.?"
_PARTICLE = r"(?:de|del|de la|de las|de los|di|della|delle|dei|degli|da|do|dos|das|du|des|" \
            r"la|le|les|l'|d'|van|von|der|den|het|'t|of|the|al|alla|do|św\.|im|am|an|auf)"
_HOUSE = r"\d{1,4}(?:\s?[a-zA-Z](?![\w]))?(?:\s?[/\-]\s?\d{1,4}[a-zA-Z]?)?"
# postcodes: DE/FR/ES/IT 5 digits, NL 1234 AB, PL 00-950, PT 1100-148, SE 111 22, GB SW1A 2AA,
# AT/BE/CH/DK 4 digits; then a town of one to three capitalised words
_POSTCODE = (r"(?:\d{5}|\d{4}\s?[A-Z]{2}(?![\w])|\d{2}-\d{3}|\d{4}-\d{3}|\d{3}\s\d{2}|"
             r"[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}|\d{4})")
_NOT_TOWN = r"(?!(?:Suite|Apt|Unit|Flat|Floor|Box)\b)"  # what follows a street on its line
_TOWN = (rf"(?:,?[ \t]+{_POSTCODE}(?:[ \t]+{_NOT_TOWN}[{_UP}][\w\-]+"
         rf"(?:[ \-][{_UP}][\w\-]+){{0,2}})?)?")


def _alternation(words: tuple[str, ...]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


_SUFFIX_WORDS = _alternation(tuple(w for ws in SUFFIX_TYPES.values() for w in ws))
_PREFIX_AFTER = _alternation(tuple(w for lang, ws in PREFIX_TYPES.items()
                                   if lang not in NUMBER_FIRST for w in ws))
_PREFIX_FR = _alternation(PREFIX_TYPES["fr"])
_EN_TYPES = _alternation(PREFIX_TYPES["en"])
_NAME = rf"{_NAME_WORD}(?:\s+(?:{_PARTICLE}\s+)*{_NAME_WORD}){{0,3}}"
_NAME_AFTER_PARTICLES = rf"(?:(?:{_PARTICLE})\s*)*{_NAME}"

_PATTERNS = (  # by family: suffix, prefix, French, English
    # "Hauptstraße 5", "Kerkstraat 12", "Drottninggatan 5, 111 51 Stockholm": a compound
    # (a name glued to the type word), or "Berliner Straße 10a" (an adjective before it)
    re.compile(
        rf"(?<![\w])(?:[{_UP}][\w\-]*?[a-zäöüßåé\-](?i:{_SUFFIX_WORDS})|"
        rf"[{_UP}]\w{{3,}}(?:er|sche) (?i:{_SUFFIX_WORDS}))(?![\w])\s?"
        rf"{_HOUSE}(?![\w.,]\d){_TOWN}"),
    # "Calle Mayor 5", "Via Giuseppe Verdi, 3", "ul. Długa 5/7", "Rua da Prata, 45"
    re.compile(
        rf"(?<![\w])(?i:{_PREFIX_AFTER})\s*{_NAME_AFTER_PARTICLES},?\s+(?:n[ºo°]\.?\s?)?"
        rf"{_HOUSE}(?![\w.,]\d){_TOWN}"),
    # "12 rue de la Paix", "12bis, avenue Foch, 75016 Paris"
    re.compile(
        rf"(?<![\w.,])\d{{1,4}}(?:\s?(?:bis|ter|[a-zA-Z])(?![\w]))?,?\s+(?i:{_PREFIX_FR})\s+"
        rf"{_NAME_AFTER_PARTICLES}{_TOWN}"),
    # "221B Baker Street", "10 Downing Street, London SW1A 2AA"
    re.compile(
        rf"(?<![\w.,])\d{{1,4}}[A-Za-z]?,?\s+(?:[{_UP}][\w'\-]*\s+){{1,3}}(?:{_EN_TYPES.title()}|"
        rf"{_EN_TYPES})(?![\w])\.?(?:,?[ \t]+{_NOT_TOWN}[{_UP}][\w\-]+)?"
        rf"(?:,?[ \t]+{_POSTCODE})?"),
)
_WORD_AFTER = re.compile(r" [^\W\d]")
class AddressDetector(BaseDetector):
    """Finds street addresses: a street-type word of the sample's languages (Straße/str.,
    straat, gatan, rue, calle, via, rua, ulica/ul., street/road ...), a street name and a
    house number, with the postcode and town when they follow. A street without a house
    number ("in der Hauptstraße") is not an address here; neither is a town alone."""

    labels = frozenset({"address"})
    min_digits = 1  # the house number

    def __init__(self, fictional: frozenset[str] = FICTIONAL) -> None:
        self.fictional = fictional  # surrogate street names (never reported)
        self._types = _type_automaton()
        self._last: tuple[str, list[tuple[int, int, int, int]]] | None = None

    def might_contain(self, text: str) -> bool:
        return bool(self._windows(text))

    def _windows(self, text: str) -> list[tuple[int, int, int, int]]:
        """The windows of ``text`` (kept for the ``find`` that follows ``might_contain``)."""
        if self._last is not None and self._last[0] is text:
            return self._last[1]
        windows = self._compute_windows(text)
        self._last = (text, windows)
        return windows

    def _compute_windows(self, text: str) -> list[tuple[int, int, int, int]]:
        """(pattern, start, end, type word start) for each street-type word with a house
        number where that pattern needs one: the regexes run only in those windows."""
        windows = []
        lowered = " " + text.lower()  # prefix-type words are stored with a leading space
        for last, (word, families) in self._types.iter(lowered):
            end = last  # in ``text``: the lowered text has one more character in front
            start = end - len(word) + (1 if word[0] == " " else 0)
            if end < len(text) and word[-1] != "." and text[end].isalpha():
                continue  # inside a longer word ("wegen", "first")
            for family in families:
                low, high, digits_from, digits_to = _REACH[family]
                if _ANY_DIGIT.search(text, max(0, start + digits_from), end + digits_to):
                    windows.append((family, max(0, start - low), start, end + high))
        return windows

    def find(self, text: str, region: str | None = None) -> list[Span]:
        spans: list[Span] = []
        for family, low, word_start, high in self._windows(text):
            for match in _PATTERNS[family].finditer(text, low, high):
                if not match.start() <= word_start < match.end():
                    continue  # another street's match: its own window finds it
                value = match.group().rstrip(" ,.")
                start, end = match.start(), match.start() + len(value)
                if any(s.start < end and start < s.end for s in spans):
                    continue
                if value.startswith("via ") and _WORD_AFTER.match(text, end):
                    continue  # "went via Paris 2 times": the preposition, not an address
                folded = value.casefold()
                if not any(name in folded for name in self.fictional):
                    spans.append(Span(start, end, "address"))
        return spans


_SUFFIX, _PREFIX, _FRENCH, _ENGLISH = range(4)
# per family: characters of text the regex may need before and after the type word, and
# where (relative to the type word's start and end) a house number digit must be
_REACH = {
    _SUFFIX: (60, 70, 0, 4),  # "Berliner Straße 10a, 10115 Berlin"
    _PREFIX: (2, 110, 0, 60),  # "Via Giuseppe Verdi, 3, 20121 Milano"
    _FRENCH: (16, 110, -12, 0),  # "12bis, avenue Foch, 75016 Paris"
    _ENGLISH: (60, 60, -50, 0),  # "221B Baker Street, London"
}
_ANY_DIGIT = re.compile(r"\d")


def _type_automaton() -> ahocorasick.Automaton:
    """Street-type words, lower case: suffix types as they end a compound ("…straße"),
    the others after a space (a word start)."""
    families: dict[str, set[int]] = {}
    for words in SUFFIX_TYPES.values():
        for word in words:
            families.setdefault(word, set()).add(_SUFFIX)
    for lang, words in PREFIX_TYPES.items():
        family = {"fr": _FRENCH, "en": _ENGLISH}.get(lang, _PREFIX)
        for word in words:
            families.setdefault(" " + word, set()).add(family)
    automaton = ahocorasick.Automaton()
    for word, kinds in families.items():
        automaton.add_word(word, (word, tuple(sorted(kinds))))
    automaton.make_automaton()
    return automaton


_TAIL = re.compile(rf",?[ \t]+{_POSTCODE}(?:[ \t]+[{_UP}][\w\-]+(?:[ \-][{_UP}][\w\-]+){{0,2}})?$")
_LANG_OF_TYPE = [(lang, re.compile(rf"(?<![\w])(?i:{_alternation(words)})(?![\w])"
                                   if lang not in SUFFIX_TYPES else
                                   rf"(?i:{_alternation(words)})(?![\w])"))
                 for lang, words in (*SUFFIX_TYPES.items(), *PREFIX_TYPES.items())]


def address_language(value: str) -> str:
    """The language whose street-type word the address uses ("en" when unsure)."""
    for lang, pattern in _LANG_OF_TYPE:
        if pattern.search(value):
            return lang
    return "en"


def is_address_surrogate(value: str) -> bool:
    """Whether ``value`` is one of our addresses: it names an invented street."""
    folded = value.casefold()
    return any(name in folded for name in FICTIONAL)


def address_surrogate(value: str, digest: int) -> str:
    """An invented street of the address's language and a keyed house number (written in
    that language's order); a postcode keeps its shape with every digit 0, the town stays."""
    lang = address_language(value)
    streets = FICTIONAL_STREETS[lang]
    digest, pick = divmod(digest, len(streets))
    number = 1 + digest % 99
    street = f"{number} {streets[pick]}" if lang in NUMBER_FIRST else f"{streets[pick]} {number}"
    tail = _TAIL.search(value)
    return street + (re.sub(r"\d", "0", tail.group()) if tail else "")
