"""Sample accounts: names, handles, contacts, countries, ages, deletions and standing objections."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from optout.corpus.sample.names import ascii_word
from optout.corpus.sample.pools import COUNTRIES, LANG_REGIONS, Pools

DAY = 86_400
YEAR = 365 * DAY

EMAIL_DOMAINS = (
    "example.org",
    "example.com",
    "example.net",
    "mail.example.org",
    "post.example.com",
    "web.example.net",
)
NICKNAMES = (
    "Sunny",
    "Pixel",
    "Wanderlust",
    "Kiki",
    "Nomad",
    "Bibi",
    "Moonchild",
    "Lulu",
    "Zed",
    "Koko",
)

#: Age groups and the share of accounts in each (the rest are adults).
AGE_SHARES = {"unknown": 0.08, "minor": 0.07, "recent18": 0.04}


@dataclass(slots=True)
class Account:
    """One generated account, kept in memory (small) so content can mention it."""

    idx: int
    account_id: str
    username: str
    display_name: str
    email: str | None
    phone: str | None
    country: str | None
    region: str
    locale: str
    lang: str
    birth: date | None
    created_ts: int
    deleted_ts: int | None
    opt_out: bool
    indexable: bool

    @property
    def multiword(self) -> bool:
        return " " in self.display_name


def pick_indices(rng: random.Random, n: int, share: float, minimum: int = 1) -> set[int]:
    """About ``share`` of ``range(n)`` (at least ``minimum``), chosen at random."""
    k = min(n, max(minimum, round(n * share)))
    return set(rng.sample(range(n), k))


def _age_groups(rng: random.Random, n: int) -> list[str]:
    groups = ["adult"] * n
    free = list(range(n))
    rng.shuffle(free)
    start = 0
    for group, share in AGE_SHARES.items():
        k = min(len(free) - start, max(1, round(n * share)))
        for i in free[start : start + k]:
            groups[i] = group
        start += k
    return groups


def _birth_date(rng: random.Random, group: str, ref: date) -> date | None:
    if group == "unknown":
        return None
    if group == "minor":
        age_days = rng.randint(13 * 365 + 60, 18 * 365 - 10)
        return ref - timedelta(days=age_days)
    if group == "recent18":
        turned = ref - timedelta(days=rng.randint(1, 60))
        return add_years(turned, -18)
    age_years = min(80.0, 18.2 + rng.expovariate(1 / 16))
    return ref - timedelta(days=int(age_years * 365.25))


def _created_ts(rng: random.Random, birth: date | None, group: str, ref_ts: int) -> int:
    earliest = ref_ts - 8 * YEAR
    if birth is not None:
        earliest = max(earliest, _ts(add_years(birth, 13)))
    latest = ref_ts - 20 * DAY
    if group == "recent18":
        latest = ref_ts - 400 * DAY
    return rng.randint(earliest, max(earliest, latest))


def _deleted_ts(rng: random.Random, created: int, ref_ts: int) -> int:
    start = created + DAY
    return rng.randint(start, max(start, ref_ts - DAY))


def add_years(day: date, years: int) -> date:
    """``day`` moved by whole years (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _ts(day: date) -> int:
    return (day - date(1970, 1, 1)).days * DAY


class UsernameBook:
    """Unique usernames and emails."""

    def __init__(self) -> None:
        self.usernames: set[str] = set()
        self.emails: set[str] = set()

    def username(self, rng: random.Random, first: str, last: str) -> str:
        first_part, last_part = ascii_word(first) or "user", ascii_word(last) or "x"
        base = rng.choice(
            (
                f"{first_part}_{last_part}",
                f"{first_part}{last_part[:3]}",
                f"{first_part[0]}{last_part}",
                f"{last_part}_{first_part[:2]}",
                first_part,
            )
        )[:20]
        name = base
        while name in self.usernames:
            name = f"{base}{rng.randint(2, 9999)}"
        self.usernames.add(name)
        return name

    def email(self, rng: random.Random, username: str, first: str, last: str) -> str:
        full = f"{ascii_word(first)}.{ascii_word(last)}".strip(".")
        local = username if rng.random() < 0.5 or not full else full
        domain = rng.choice(EMAIL_DOMAINS)
        email = f"{local}@{domain}"
        while email in self.emails:
            email = f"{local}{rng.randint(2, 999)}@{domain}"
        self.emails.add(email)
        return email


def make_accounts(rng: random.Random, n: int, pools: Pools, ref_ts: int) -> list[Account]:
    """``n`` accounts, deterministic for the state of ``rng``."""
    ref = date(1970, 1, 1) + timedelta(days=ref_ts // DAY)
    groups = _age_groups(rng, n)
    deleted = pick_indices(rng, n, 0.03)
    opt_out = pick_indices(rng, n, 0.02)
    unindexable = pick_indices(rng, n, 0.02)
    no_email = pick_indices(rng, n, 0.03)
    weights = [c.weight for c in COUNTRIES]
    book = UsernameBook()
    accounts = []
    for i in range(n):
        country = rng.choices(COUNTRIES, weights)[0]
        pool = pools.locales[country.locale]
        feminine = rng.random() < 0.5
        first = rng.choice(pool.first_female if feminine else pool.first_male)
        last = rng.choice(pool.last)
        display = f"{first} {last}"
        roll = rng.random()
        if roll < 0.06:
            display = first
        elif roll < 0.09:
            display = rng.choice(NICKNAMES)
        username = book.username(rng, first, last)
        region = country.code or LANG_REGIONS[country.lang]
        birth = _birth_date(rng, groups[i], ref)
        created = _created_ts(rng, birth, groups[i], ref_ts)
        accounts.append(
            Account(
                idx=i,
                account_id=f"acct-{i + 1:07d}",
                username=username,
                display_name=display,
                email=None if i in no_email else book.email(rng, username, first, last),
                phone=rng.choice(pools.regions[region].phones)[0] if rng.random() < 0.7 else None,
                country=country.code,
                region=region,
                locale=country.locale,
                lang=country.lang,
                birth=birth,
                created_ts=created,
                deleted_ts=_deleted_ts(rng, created, ref_ts) if i in deleted else None,
                opt_out=i in opt_out,
                indexable=i not in unindexable,
            )
        )
    return accounts
