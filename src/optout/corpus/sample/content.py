"""Content rows of one account: kinds, visibility, times, replies, places, media and gold spans."""

from __future__ import annotations

import random
import time
from bisect import bisect
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import accumulate
from typing import Any

from optout.corpus.sample.accounts import DAY, Account
from optout.corpus.sample.media import MediaFile
from optout.corpus.sample.templates import LANGS
from optout.corpus.sample.text import Draft, TextMaker

KIND_WEIGHTS = {
    "post": 22,
    "comment": 18,
    "photo": 9,
    "story": 5,
    "reel": 4,
    "group_post": 6,
    "page_post": 3,
    "channel_post": 3,
    "review": 6,
    "ai_chat": 7,
    "message": 10,
}
CATEGORY = {
    "post": "post",
    "group_post": "post",
    "page_post": "post",
    "channel_post": "post",
    "comment": "comment",
    "photo": "caption",
    "story": "caption",
    "reel": "caption",
    "profile": "bio",
    "ai_chat": "ai_chat",
    "message": "message",
}
PLACE_PREFIX = {"group_post": "group", "page_post": "page", "channel_post": "channel"}
#: How likely an item of a category carries one planted piece of personal data.
PII_CHANCE = {"message": 0.4, "ai_chat": 0.35, "bio": 0.2}
#: How likely a kind carries an image (photos always carry one to three).
MEDIA_CHANCE = {"photo": 1.0, "reel": 0.7, "story": 0.5, "post": 0.08}
MEAN_ITEMS = 10
RING = 4096


def timestamp(ts: int) -> str:
    """RFC 3339 UTC with a Z."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))


@dataclass(slots=True)
class Item:
    """One content row and its gold lines."""

    row: dict[str, Any]
    gold: list[dict[str, Any]]
    lang: str


class ContentMaker:
    """Makes every content row of an account, in order, with replies to earlier rows."""

    def __init__(
        self, rng: random.Random, text: TextMaker, media: list[MediaFile], places: int, ref_ts: int
    ) -> None:
        self.rng = rng
        self.text = text
        self.media = media
        self.places = places
        self.ref_ts = ref_ts
        self.kinds = list(KIND_WEIGHTS)
        self.kind_cum = list(accumulate(KIND_WEIGHTS.values()))
        self.ring: list[tuple[str, Account, int]] = []

    def items(self, account: Account) -> Iterator[Item]:
        """The account's profile row and about ``MEAN_ITEMS - 1`` further rows."""
        rng = self.rng
        end = (account.deleted_ts or self.ref_ts) - 60
        prefix = f"c-{account.idx + 1:07d}-"
        profile_ts = min(end, account.created_ts + rng.randint(60, DAY))
        yield self._item(f"{prefix}000", account, "profile", profile_ts, end)
        count = min(120, int(rng.expovariate(1 / (MEAN_ITEMS - 0.5))))
        kinds, cum, total = self.kinds, self.kind_cum, self.kind_cum[-1]
        for n in range(1, count + 1):
            kind = kinds[bisect(cum, rng.random() * total)]
            ts = account.created_ts + int(rng.random() * (end - account.created_ts))
            yield self._item(f"{prefix}{n:03d}", account, kind, ts, end)

    def _lang(self, account: Account) -> str:
        roll = self.rng.random()
        if roll < 0.85:
            return account.lang
        return "en" if roll < 0.95 else self.rng.choice(LANGS)

    def _item(self, content_id: str, account: Account, kind: str, ts: int, end: int) -> Item:
        rng = self.rng
        parent = self._parent(account, kind, end)
        if kind == "comment" and parent is None:
            kind = "post"
        lang = self._lang(account)
        self.text.author, self.text.lang = account, lang
        self.text.reply_to = parent[1] if parent else None
        if parent is not None:
            start = max(parent[2] + 60, account.created_ts)
            ts = min(end, start + int(rng.random() * 3 * DAY))
        row: dict[str, Any] = {
            "content_id": content_id,
            "account_id": account.account_id,
            "kind": kind,
            "visibility": self._visibility(kind),
            "created_at": timestamp(ts),
        }
        if rng.random() < 0.03 and end - ts > 120:
            row["deleted_at"] = timestamp(rng.randint(ts + 60, end))
        rating = rng.randint(1, 5) if kind == "review" else None
        draft = self.text.compose(self._category(kind, rating), self._extras(kind))
        text = row["text"] = draft.text
        if parent is not None:
            row["parent_id"] = parent[0]
        if kind in PLACE_PREFIX:
            row["place_id"] = f"{PLACE_PREFIX[kind]}-{int(rng.random() * self.places) + 1:04d}"
        if draft.mentions:
            row["mentions"] = draft.mentions
        if rating is not None:
            row["rating"] = rating
        gold = [] if not draft.spans else [_gold(content_id, "text", text, draft, lang)]
        if rng.random() < MEDIA_CHANCE.get(kind, 0.0):
            row["media"] = self._media(content_id, kind, gold, lang)
        if rng.random() < 0.01:
            row["noai"] = True
        if kind in ("post", "photo", "reel", "group_post", "page_post") and ts < end - DAY:
            self._remember(content_id, account, ts)
        return Item(row, gold, lang)

    def _parent(self, account: Account, kind: str, end: int) -> tuple[str, Account, int] | None:
        if kind != "comment" or not self.ring:
            return None
        for _ in range(3):
            parent = self.ring[self.rng.randrange(len(self.ring))]
            if parent[2] >= end - 120:
                continue
            if parent[1].idx != account.idx or self.rng.random() < 0.15:
                return parent
        return None

    def _remember(self, content_id: str, account: Account, ts: int) -> None:
        entry = (content_id, account, ts)
        if len(self.ring) < RING:
            self.ring.append(entry)
        else:
            self.ring[self.rng.randrange(RING)] = entry

    def _visibility(self, kind: str) -> str:
        roll = self.rng.random()
        if kind == "message":
            return "private"
        if kind == "ai_chat":
            return "public" if roll < 0.35 else "private"
        if kind == "story":
            return "public" if roll < 0.5 else "friends"
        return "public" if roll < 0.72 else "friends" if roll < 0.9 else "private"

    @staticmethod
    def _category(kind: str, rating: int | None) -> str:
        if rating is None:
            return CATEGORY[kind]
        return "review_good" if rating >= 4 else "review_bad" if rating <= 2 else "review_mid"

    def _extras(self, kind: str) -> list[str]:
        rng = self.rng
        extras = []
        if kind not in ("profile", "review") and rng.random() < 0.15:
            extras.append("person")
        if rng.random() < PII_CHANCE.get(CATEGORY.get(kind, ""), 0.1):
            extras.append(self.text.random_pii())
        return extras

    def _media(
        self, content_id: str, kind: str, gold: list[dict[str, Any]], lang: str
    ) -> list[dict[str, Any]]:
        rng = self.rng
        count = rng.choice((1, 1, 1, 2, 3)) if kind == "photo" else 1
        attached = []
        for index, image in enumerate(rng.sample(self.media, min(count, len(self.media)))):
            alt: str | None = None
            if rng.random() < 0.85:
                draft = self.text.compose("alt_person" if rng.random() < 0.3 else "alt", [])
                alt = draft.text
                if draft.spans:
                    field = f"media[{index}].alt_text"
                    gold.append(_gold(content_id, field, alt, draft, lang))
            attached.append({"path": image.path, "alt_text": alt})
        return attached


def _gold(content_id: str, field: str, text: str, draft: Draft, lang: str) -> dict[str, Any]:
    return {
        "id": content_id,
        "field": field,
        "text": text,
        "lang": lang,
        "spans": draft.spans,
    }
