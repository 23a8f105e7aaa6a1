"""Names of people without an account: Faker first names plus synthesised, non-Faker surnames."""

from __future__ import annotations

import importlib
import random
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from faker.config import AVAILABLE_LOCALES

#: Per-language surname parts (start, middle, end); a surname is one of each, never empty.
SURNAME_PARTS: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "de": (
        ("Brüh", "Kals", "Wend", "Hoh", "Streng", "Dorn", "Lauf", "Quen", "Rüd", "Zirn"),
        ("el", "en", "er", "le", "ig", "an"),
        ("meyer", "hofer", "bach", "brandt", "ecker", "stedt", "wald", "inger", "kamp"),
    ),
    "fr": (
        ("Bel", "Cour", "Dam", "Fon", "Vil", "Ros", "Lec", "Garn", "Mauv", "Pel"),
        ("an", "er", "ou", "ig", "al", "esc"),
        ("court", "ville", "rac", "ieux", "eau", "ard", "enne", "otte", "ain"),
    ),
    "es": (
        ("Var", "Gal", "Men", "Rob", "Cas", "Tor", "Alb", "Esc", "Yub", "Orc"),
        ("an", "el", "ar", "iv", "ud", "om"),
        ("ázar", "edo", "iles", "anza", "ueta", "ino", "ejo", "ández", "era"),
    ),
    "it": (
        ("Bor", "Cal", "Fer", "Lom", "Pes", "Val", "Zan", "Ghir", "Tros", "Ment"),
        ("an", "el", "ot", "ic", "ab", "urz"),
        ("etti", "ucci", "ardi", "ino", "one", "azzi", "elli", "aro", "ani"),
    ),
    "nl": (
        ("Ver", "Bos", "Dijk", "Hoog", "Kor", "Wes", "Lin", "Sme", "Gel", "Twie"),
        ("ka", "ster", "ven", "el", "en", "am"),
        ("nto", "kamp", "huis", "stra", "ink", "broek", "veld", "hout", "dam"),
    ),
    "pl": (
        ("Krzy", "Wol", "Brzę", "Szcz", "Grab", "Lis", "Mro", "Żeb", "Chmi", "Dąb"),
        ("ow", "ar", "el", "ut", "ył", "ęt"),
        ("ski", "czak", "ewicz", "owski", "iak", "ecki", "ań", "uk", "yński"),
    ),
    "pt": (
        ("Alv", "Bar", "Cor", "Fig", "Mour", "Ser", "Teix", "Quel", "Brit", "Lob"),
        ("an", "ei", "ol", "ar", "ur", "ic"),
        ("eira", "ães", "inho", "ado", "oso", "ento", "ida", "elo", "ares"),
    ),
    "sv": (
        ("Berg", "Lind", "Sjö", "Ek", "Holm", "Norr", "Vik", "Ståhl", "Gran", "Fjäll"),
        ("a", "e", "in", "ar", "ul", "ed"),
        ("qvist", "ström", "gren", "blad", "mark", "dahl", "lund", "berg", "sten"),
    ),
    "en": (
        ("Ash", "Brad", "Cal", "Dun", "Fen", "Hal", "Mor", "Wick", "Thorn", "Pell"),
        ("er", "ing", "el", "an", "os", "ith"),
        ("ton", "ley", "worth", "by", "ford", "more", "stead", "wick", "ham"),
    ),
}

_FEMININE_PL = (("ski", "ska"), ("cki", "cka"), ("ński", "ńska"))


@dataclass(frozen=True, slots=True)
class NonUser:
    """A person who has no account but whom others mention."""

    index: int
    lang: str
    first: str
    surname: str
    handle: str | None

    @property
    def full(self) -> str:
        return f"{self.first} {self.surname}"

    @property
    def email(self) -> str:
        return f"{ascii_word(self.first)}.{ascii_word(self.surname)}@example.net"


_FOLD = str.maketrans(
    {
        "ł": "l",
        "Ł": "L",
        "ø": "o",
        "Ø": "O",
        "ß": "ss",
        "æ": "ae",
        "Æ": "Ae",
        "œ": "oe",
        "Œ": "Oe",
        "đ": "d",
        "Đ": "D",
        "\u0131": "i",
    }
)


@lru_cache(maxsize=65_536)
def fold(text: str) -> str:
    """``text`` without accents (NFKD, combining marks dropped; ł, ø, ß... spelt out)."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=65_536)
def ascii_word(text: str) -> str:
    """``text`` folded to lower-case ASCII letters and digits only."""
    return "".join(c for c in fold(text).lower() if c.isascii() and c.isalnum())


def _strings(value: object) -> list[str]:
    if isinstance(value, dict):
        return [k for k in value if isinstance(k, str)]
    if isinstance(value, list | tuple):
        return [v for v in value if isinstance(v, str)]
    return []


@lru_cache(maxsize=1)
def faker_name_words() -> frozenset[str]:
    """Every first and last name in every Faker locale's person provider, case-folded."""
    words: set[str] = set()
    for locale in AVAILABLE_LOCALES:
        try:
            module = importlib.import_module(f"faker.providers.person.{locale}")
        except ImportError:
            continue
        provider = module.Provider
        for attr in dir(provider):
            if "name" in attr and not attr.startswith("_") and "format" not in attr:
                for name in _strings(getattr(provider, attr, None)):
                    words.update(part.casefold() for part in name.split())
    return frozenset(words)


def synth_surname(rng: random.Random, lang: str, feminine: bool) -> str:
    """A surname built from ``lang``'s parts, never one of Faker's name words."""
    starts, middles, ends = SURNAME_PARTS[lang]
    known = faker_name_words()
    while True:
        surname = rng.choice(starts) + rng.choice(middles) + rng.choice(ends)
        if lang == "pl" and feminine:
            for male, female in _FEMININE_PL:
                if surname.endswith(male):
                    surname = surname[: -len(male)] + female
                    break
        if surname.casefold() not in known and fold(surname).casefold() not in known:
            return surname


def make_nonusers(
    rng: random.Random,
    first_names: dict[str, tuple[list[str], list[str]]],
    per_lang: int,
    taken: set[str],
) -> list[NonUser]:
    """``per_lang`` non-users per language; ``taken`` holds names (and handles) already used."""
    people: list[NonUser] = []
    for lang in sorted(first_names):
        male, female = first_names[lang]
        made = 0
        while made < per_lang:
            feminine = rng.random() < 0.5
            first = rng.choice(female if feminine else male)
            surname = synth_surname(rng, lang, feminine)
            full = f"{first} {surname}"
            handle = None
            if rng.random() < 0.3:
                handle = f"{ascii_word(surname)}_{ascii_word(first)[:1]}"
            if full.casefold() in taken or (handle is not None and handle in taken):
                continue
            taken.add(full.casefold())
            if handle is not None:
                taken.add(handle)
            people.append(NonUser(len(people), lang, first, surname, handle))
            made += 1
    return people
