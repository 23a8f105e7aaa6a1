"""Fill sentence templates with names and personal data, recording each planted span."""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from optout.corpus.sample import pii
from optout.corpus.sample.accounts import Account
from optout.corpus.sample.names import NonUser, fold
from optout.corpus.sample.pools import Pools
from optout.corpus.sample.templates import TEMPLATES

#: The platform whose profile URLs appear in text.
PLATFORM_URL = "https://social.example/@"

_SLOT = re.compile(r"\{(\w+)\}")

Compiled = tuple[str, ...]
Span = dict[str, Any]

#: Kinds of personal data added to text, and how often each is picked.
PII_WEIGHTS = {"email": 3, "phone": 3, "iban": 1.5, "card": 1, "ip": 1, "nid": 1, "url": 1.5}


def compile_template(template: str) -> Compiled:
    """Split a template into literals (even positions) and slot names (odd positions)."""
    return tuple(_SLOT.split(template))


COMPILED: dict[str, dict[str, tuple[Compiled, ...]]] = {
    lang: {
        category: tuple(compile_template(t) for t in values)
        for category, values in templates.items()
        if category not in ("food", "topic", "day", "reason")
    }
    for lang, templates in TEMPLATES.items()
}


@dataclass(slots=True)
class Draft:
    """Text being assembled, its spans, and the accounts it tags."""

    pieces: list[str] = field(default_factory=list)
    spans: list[Span] = field(default_factory=list)
    mentions: list[str] = field(default_factory=list)
    length: int = 0

    def add(self, value: str, span: Span | None = None) -> None:
        if span is not None:
            span["start"], span["end"] = self.length, self.length + len(value)
            self.spans.append(span)
        self.pieces.append(value)
        self.length += len(value)

    def tag(self, account_id: str) -> None:
        if account_id not in self.mentions:
            self.mentions.append(account_id)

    @property
    def text(self) -> str:
        return "".join(self.pieces)


@dataclass(slots=True)
class Cast:
    """The people text can name: accounts, non-users, and who is more likely to be named."""

    accounts: list[Account]
    named_accounts: list[int]
    objector_accounts: list[int]
    nonusers: list[NonUser]
    nonusers_by_lang: dict[str, list[int]]
    nonuser_handles: list[int]
    nonuser_uses: dict[int, int] = field(default_factory=dict)


class TextMaker:
    """Renders templates for one writer at a time, planting names and personal data."""

    def __init__(self, rng: random.Random, pools: Pools, cast: Cast) -> None:
        self.rng = rng
        self.pools = pools
        self.cast = cast
        self.author: Account = cast.accounts[0]
        self.lang = "en"
        self.reply_to: Account | None = None
        self.slots: dict[str, Callable[[Draft], None]] = {
            "person": self._person,
            "handle": self._handle,
            "reply": self._reply,
            "email": self._email,
            "phone": self._phone,
            "iban": self._iban,
            "card": self._card,
            "ip": self._ip,
            "nid": self._nid,
            "url": self._url,
            "city": self._city,
            "company": self._company,
            "food": lambda d: self._word(d, "food"),
            "topic": lambda d: self._word(d, "topic"),
            "day": lambda d: self._word(d, "day"),
        }

    def render(self, draft: Draft, template: Compiled) -> None:
        """Append ``template`` filled in to ``draft``."""
        slots, pieces = self.slots, draft.pieces
        for i, part in enumerate(template):
            if i & 1:
                slots[part](draft)
            elif part:
                if part[0] == "." and pieces and pieces[-1].endswith("."):
                    part = part[1:]
                    if not part:
                        continue
                pieces.append(part)
                draft.length += len(part)

    def pick(self, values: Sequence[Any]) -> Any:
        """A uniformly chosen element (faster than ``Random.choice``)."""
        return values[int(self.rng.random() * len(values))]

    def compose(self, category: str, extras: list[str]) -> Draft:
        """One text: a template of ``category`` with ``extras`` categories before or after it."""
        draft = Draft()
        templates = COMPILED[self.lang]
        parts = [self.pick(templates[category])]
        for extra in extras:
            chosen = self.pick(templates[extra])
            if self.rng.random() < 0.3:
                parts.insert(0, chosen)
            else:
                parts.append(chosen)
        for i, template in enumerate(parts):
            if i:
                draft.add(". " if draft.pieces[-1][-1:].isalnum() else " ")
            self.render(draft, template)
        return draft

    def random_pii(self) -> str:
        """A kind of personal data to plant, by weight."""
        return self.rng.choices(list(PII_WEIGHTS), list(PII_WEIGHTS.values()))[0]

    def _other_account(self, pool: Sequence[int]) -> Account:
        accounts = self.cast.accounts
        for _ in range(4):
            other = accounts[self.pick(pool)]
            if other.idx != self.author.idx:
                return other
        return accounts[pool[0]]

    def _person(self, draft: Draft) -> None:
        if self.rng.random() < 0.55 or not self.cast.named_accounts:
            self._nonuser(draft)
            return
        objectors = self.cast.objector_accounts
        pool = objectors if objectors and self.rng.random() < 0.05 else self.cast.named_accounts
        other = self._other_account(pool)
        name = other.display_name
        roll = self.rng.random()
        if roll < 0.15:
            name = name.lower()
        elif roll < 0.3:
            name = fold(name)
        draft.add(name, {"label": "PERSON", "source": "account", "account_id": other.account_id})
        if self.rng.random() < 0.5:
            draft.tag(other.account_id)

    def _nonuser(self, draft: Draft) -> None:
        cast = self.cast
        pool = cast.nonusers_by_lang.get(self.lang) if self.rng.random() < 0.9 else None
        index = self.pick(pool) if pool else self.rng.randrange(len(cast.nonusers))
        cast.nonuser_uses[index] = cast.nonuser_uses.get(index, 0) + 1
        draft.add(cast.nonusers[index].full, {"label": "PERSON", "source": "nonuser"})

    def _handle(self, draft: Draft) -> None:
        cast = self.cast
        if cast.nonuser_handles and self.rng.random() < 0.12:
            index = self.rng.choice(cast.nonuser_handles)
            cast.nonuser_uses[index] = cast.nonuser_uses.get(index, 0) + 1
            draft.add(f"@{cast.nonusers[index].handle}", {"label": "HANDLE", "source": "nonuser"})
            return
        other = self._other_account(range(len(cast.accounts)))
        self._account_handle(draft, other)

    def _reply(self, draft: Draft) -> None:
        if self.reply_to is None:
            self._handle(draft)
        else:
            self._account_handle(draft, self.reply_to)

    @staticmethod
    def _account_handle(draft: Draft, other: Account) -> None:
        span = {"label": "HANDLE", "source": "account", "account_id": other.account_id}
        draft.add(f"@{other.username}", span)
        draft.tag(other.account_id)

    def _email(self, draft: Draft) -> None:
        roll = self.rng.random()
        email = self.author.email
        if roll >= 0.5 or email is None:
            if roll < 0.8:
                email = self._other_account(range(len(self.cast.accounts))).email
            if email is None or roll >= 0.8:
                email = self.rng.choice(self.cast.nonusers).email
        draft.add(email, {"label": "EMAIL"})

    def _phone(self, draft: Draft) -> None:
        region = self.author.region
        _, written = self.rng.choice(self.pools.regions[region].phones)
        draft.add(written, {"label": "PHONE", "region": region})

    def _iban(self, draft: Draft) -> None:
        if self.rng.random() < 0.8:
            number = self.rng.choice(self.pools.regions[self.author.region].ibans)
        else:
            number = self.rng.choice(self.pools.foreign_ibans)
        draft.add(pii.format_iban(number, self.rng.random() < 0.6), {"label": "IBAN"})

    def _card(self, draft: Draft) -> None:
        number = pii.make_card(self.rng)
        draft.add(pii.format_card(number, self.rng.choice(("", " ", " ", "-"))), {"label": "CARD"})

    def _ip(self, draft: Draft) -> None:
        rng = self.rng
        address = pii.make_ipv4(rng) if rng.random() < 0.7 else pii.make_ipv6(rng)
        draft.add(address, {"label": "IP"})

    def _nid(self, draft: Draft) -> None:
        region = self.author.region
        number = self.rng.choice(self.pools.regions[region].national_ids)
        draft.add(number, {"label": "NATIONAL_ID", "scheme": pii.NATIONAL_ID_SCHEMES[region]})

    def _url(self, draft: Draft) -> None:
        if self.rng.random() < 0.5:
            other = self.author
        else:
            other = self._other_account(range(len(self.cast.accounts)))
        span = {"label": "URL", "source": "account", "account_id": other.account_id}
        draft.add(PLATFORM_URL + other.username, span)

    def _city(self, draft: Draft) -> None:
        draft.add(self.pick(self.pools.locales[self.author.locale].cities))

    def _company(self, draft: Draft) -> None:
        draft.add(self.pick(self.pools.locales[self.author.locale].companies))

    def _word(self, draft: Draft, category: str) -> None:
        word = self.pick(TEMPLATES[self.lang][category])
        draft.add(word if draft.length else word[:1].upper() + word[1:])
