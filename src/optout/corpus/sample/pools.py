"""Countries of the sample and per-locale value pools drawn once from seeded Faker instances."""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import lru_cache

from faker import Faker

from optout.corpus.sample import pii


@dataclass(frozen=True, slots=True)
class Country:
    """Where an account lives: ISO code (None when unknown), Faker locale, language, weight."""

    code: str | None
    locale: str
    lang: str
    weight: int


COUNTRIES: tuple[Country, ...] = (
    Country("DE", "de_DE", "de", 15),
    Country("AT", "de_AT", "de", 3),
    Country("FR", "fr_FR", "fr", 13),
    Country("BE", "nl_BE", "nl", 2),
    Country("BE", "fr_BE", "fr", 1),
    Country("ES", "es_ES", "es", 10),
    Country("IT", "it_IT", "it", 10),
    Country("NL", "nl_NL", "nl", 6),
    Country("PL", "pl_PL", "pl", 7),
    Country("PT", "pt_PT", "pt", 4),
    Country("SE", "sv_SE", "sv", 4),
    Country("IE", "en_IE", "en", 2),
    Country("DK", "da_DK", "en", 1),
    Country("FI", "fi_FI", "en", 1),
    Country("GB", "en_GB", "en", 4),
    Country("US", "en_US", "en", 3),
    Country("CH", "de_CH", "de", 2),
    Country("BR", "pt_BR", "pt", 2),
    Country(None, "en_GB", "en", 1),
    Country(None, "de_DE", "de", 1),
    Country(None, "es_ES", "es", 1),
)

#: The locale whose first names non-users of a language get.
LANG_LOCALES: dict[str, str] = {
    "de": "de_DE",
    "en": "en_GB",
    "es": "es_ES",
    "fr": "fr_FR",
    "it": "it_IT",
    "nl": "nl_NL",
    "pl": "pl_PL",
    "pt": "pt_PT",
    "sv": "sv_SE",
}

#: Phone and national-ID region for accounts without a country, by language.
LANG_REGIONS: dict[str, str] = {
    "de": "DE",
    "en": "IE",
    "es": "ES",
    "fr": "FR",
    "it": "IT",
    "nl": "NL",
    "pl": "PL",
    "pt": "PT",
    "sv": "SE",
}

IBAN_BY_REGION: dict[str, str] = {
    "AT": "AT",
    "BE": "NL",
    "BR": "PT",
    "CH": "DE",
    "DE": "DE",
    "DK": "DK",
    "ES": "ES",
    "FI": "FI",
    "FR": "FR",
    "GB": "IE",
    "IE": "IE",
    "IT": "IT",
    "NL": "NL",
    "PL": "PL",
    "PT": "PT",
    "SE": "SE",
    "US": "LU",
}


#: Real cities per locale (Faker's generated city names are often built from surnames).
CITIES: dict[str, tuple[str, ...]] = {
    "da_DK": ("København", "Aarhus", "Odense", "Aalborg", "Roskilde"),
    "de_AT": ("Wien", "Graz", "Linz", "Salzburg", "Innsbruck", "Klagenfurt"),
    "de_CH": ("Zürich", "Bern", "Basel", "Luzern", "St. Gallen", "Winterthur"),
    "de_DE": (
        "Berlin",
        "Hamburg",
        "München",
        "Köln",
        "Frankfurt",
        "Leipzig",
        "Dresden",
        "Stuttgart",
        "Düsseldorf",
        "Bremen",
        "Nürnberg",
        "Freiburg",
    ),
    "en_GB": ("London", "Manchester", "Leeds", "Bristol", "Edinburgh", "Glasgow", "Brighton"),
    "en_IE": ("Dublin", "Cork", "Galway", "Limerick", "Kilkenny", "Waterford"),
    "en_US": ("New York", "Chicago", "Boston", "Seattle", "Austin", "Denver", "Portland"),
    "es_ES": (
        "Madrid",
        "Barcelona",
        "Valencia",
        "Sevilla",
        "Bilbao",
        "Málaga",
        "Zaragoza",
        "Granada",
        "Salamanca",
    ),
    "fi_FI": ("Helsinki", "Tampere", "Turku", "Oulu", "Espoo"),
    "fr_BE": ("Bruxelles", "Liège", "Namur", "Charleroi", "Mons"),
    "fr_FR": (
        "Paris",
        "Lyon",
        "Marseille",
        "Toulouse",
        "Nantes",
        "Bordeaux",
        "Lille",
        "Strasbourg",
        "Montpellier",
        "Rennes",
    ),
    "it_IT": (
        "Roma",
        "Milano",
        "Napoli",
        "Torino",
        "Bologna",
        "Firenze",
        "Genova",
        "Palermo",
        "Verona",
    ),
    "nl_BE": ("Antwerpen", "Gent", "Brugge", "Leuven", "Mechelen"),
    "nl_NL": (
        "Amsterdam",
        "Rotterdam",
        "Utrecht",
        "Den Haag",
        "Eindhoven",
        "Groningen",
        "Haarlem",
        "Nijmegen",
    ),
    "pl_PL": ("Warszawa", "Kraków", "Gdańsk", "Wrocław", "Poznań", "Łódź", "Lublin", "Katowice"),
    "pt_BR": ("São Paulo", "Rio de Janeiro", "Belo Horizonte", "Curitiba", "Salvador", "Recife"),
    "pt_PT": ("Lisboa", "Porto", "Braga", "Coimbra", "Faro", "Aveiro", "Évora"),
    "sv_SE": ("Stockholm", "Göteborg", "Malmö", "Uppsala", "Umeå", "Västerås", "Örebro"),
}


@dataclass(slots=True)
class LocalePool:
    """Faker values of one locale, drawn once so rows never call Faker."""

    first_male: list[str]
    first_female: list[str]
    last: list[str]
    cities: list[str]
    companies: list[str]


@dataclass(slots=True)
class RegionPool:
    """Valid personal data of one country: phones, national IDs and IBANs."""

    phones: list[tuple[str, str]]
    national_ids: list[str]
    ibans: list[str]


def _draw(fake: Faker, method: str, count: int) -> list[str]:
    values: list[str] = []
    seen: set[str] = set()
    for _ in range(count * 3):
        value = getattr(fake, method)()
        if value not in seen:
            seen.add(value)
            values.append(value)
        if len(values) == count:
            break
    return values


def locale_pool(locale: str, seed: int) -> LocalePool:
    """Names, cities and companies of ``locale`` from a Faker seeded with ``seed``."""
    fake = Faker(locale, providers=["faker.providers.person", "faker.providers.company"])
    fake.seed_instance(seed)
    return LocalePool(
        first_male=_draw(fake, "first_name_male", 120),
        first_female=_draw(fake, "first_name_female", 120),
        last=_draw(fake, "last_name", 200),
        cities=list(CITIES[locale]),
        companies=_draw(fake, "company", 30),
    )


def region_pool(rng: random.Random, region: str) -> RegionPool:
    """Phones, national IDs and IBANs valid for ``region``."""
    return RegionPool(
        phones=pii.phone_pool(rng, region, 150),
        national_ids=pii.national_id_pool(rng, region, 40),
        ibans=[pii.make_iban(rng, IBAN_BY_REGION[region]) for _ in range(30)],
    )


@dataclass(slots=True)
class Pools:
    """Everything drawn up front: per-locale Faker values and per-region personal data."""

    locales: dict[str, LocalePool]
    regions: dict[str, RegionPool]
    foreign_ibans: list[str]


@lru_cache(maxsize=2)
def build_pools(seed: int) -> Pools:
    """All pools of the sample, deterministic for ``seed``."""
    locales = sorted({c.locale for c in COUNTRIES} | set(LANG_LOCALES.values()))
    rng = random.Random(f"pools:{seed}")
    regions = sorted(pii.NATIONAL_ID_SCHEMES)
    return Pools(
        locales={loc: locale_pool(loc, seed * 1009 + i) for i, loc in enumerate(locales)},
        regions={region: region_pool(rng, region) for region in regions},
        foreign_ibans=[pii.make_iban(rng, cc) for cc in sorted(pii.IBAN_LAYOUTS) for _ in range(3)],
    )
