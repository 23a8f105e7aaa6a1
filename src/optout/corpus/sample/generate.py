"""Write a whole sample export: accounts, content, media, gold spans, faces, notices, objections."""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO, Any

from optout.corpus.sample import requests
from optout.corpus.sample.accounts import Account, make_accounts, pick_indices
from optout.corpus.sample.blocks import BLOCK, Shared, dumps, run_blocks
from optout.corpus.sample.content import timestamp
from optout.corpus.sample.media import MediaFile, make_image, pool_size
from optout.corpus.sample.names import NonUser, make_nonusers
from optout.corpus.sample.pools import LANG_LOCALES, Pools, build_pools
from optout.corpus.sample.text import Cast

DEFAULT_REFERENCE_DATE = date(2026, 6, 1)
FILES = (
    "accounts.jsonl",
    "content.jsonl",
    "gold.jsonl",
    "faces.jsonl",
    "notices.jsonl",
    "objections.jsonl",
)

#: ``progress(stage, advance, total)`` is called as the work goes on.
Progress = Callable[[str, int, int], None]


@dataclass(slots=True)
class Summary:
    """Counts of what was written."""

    out_dir: str
    seed: int
    reference_date: str
    accounts: int = 0
    content: int = 0
    media: int = 0
    gold: int = 0
    notices: int = 0
    objections: int = 0
    kinds: dict[str, int] = field(default_factory=dict)
    visibility: dict[str, int] = field(default_factory=dict)
    langs: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    stage_seconds: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        rate = self.content / self.seconds if self.seconds else 0.0
        content_s = self.stage_seconds.get("content", 0.0)
        return {
            "out_dir": self.out_dir,
            "seed": self.seed,
            "reference_date": self.reference_date,
            "accounts": self.accounts,
            "content": self.content,
            "media": self.media,
            "gold": self.gold,
            "notices": self.notices,
            "objections": self.objections,
            "kinds": self.kinds,
            "visibility": self.visibility,
            "langs": self.langs,
            "seconds": round(self.seconds, 2),
            "content_rows_per_s": round(rate),
            "stage_seconds": self.stage_seconds,
            "content_stage_rows_per_s": round(self.content / content_s) if content_s else 0,
        }


def _write_lines(handle: IO[str], rows: Iterable[dict[str, Any]]) -> int:
    count = 0
    for row in rows:
        handle.write(dumps(row))
        count += 1
    return count


def account_row(account: Account) -> dict[str, Any]:
    """The export row (interfaces §1) of an account; absent optional fields are left out."""
    row: dict[str, Any] = {
        "account_id": account.account_id,
        "username": account.username,
        "display_name": account.display_name,
    }
    optional = {
        "email": account.email,
        "phone": account.phone,
        "country": account.country,
        "birth_date": account.birth.isoformat() if account.birth else None,
    }
    row.update({key: value for key, value in optional.items() if value is not None})
    row["created_at"] = timestamp(account.created_ts)
    if account.deleted_ts is not None:
        row["deleted_at"] = timestamp(account.deleted_ts)
    if account.opt_out:
        row["ai_training_opt_out"] = True
    if not account.indexable:
        row["indexable"] = False
    return row


def _face_row(image: MediaFile) -> dict[str, Any]:
    return {
        "path": image.path,
        "width": image.width,
        "height": image.height,
        "boxes": image.boxes,
        "camera": list(image.camera) if image.camera else None,
        "gps": list(image.gps) if image.gps else None,
    }


def _cast(rng: random.Random, pools: Pools, accounts: list[Account]) -> Cast:
    taken = {a.display_name.casefold() for a in accounts} | {a.username for a in accounts}
    first_names = {
        lang: (pools.locales[loc].first_male, pools.locales[loc].first_female)
        for lang, loc in LANG_LOCALES.items()
    }
    per_lang = max(20, min(400, len(accounts) // 40))
    nonusers = make_nonusers(rng, first_names, per_lang, taken)
    by_lang: dict[str, list[int]] = {}
    for person in nonusers:
        by_lang.setdefault(person.lang, []).append(person.index)
    named = [a.idx for a in accounts if a.multiword]
    return Cast(
        accounts=accounts,
        named_accounts=named,
        objector_accounts=[],
        nonusers=nonusers,
        nonusers_by_lang=by_lang,
        nonuser_handles=[p.index for p in nonusers if p.handle],
    )


def _prepare(out_dir: Path) -> None:
    (out_dir / "media").mkdir(parents=True, exist_ok=True)
    for old in (out_dir / "media").glob("img-*.jpg"):
        old.unlink()


class _Stage:
    """Progress reporting for one stage, throttled."""

    def __init__(self, progress: Progress | None, name: str, total: int) -> None:
        self.progress, self.name, self.total, self.pending = progress, name, total, 0
        self.step = max(1, total // 200)

    def advance(self, n: int = 1) -> None:
        self.pending += n
        if self.progress is not None and self.pending >= self.step:
            self.progress(self.name, self.pending, self.total)
            self.pending = 0

    def done(self) -> None:
        if self.progress is not None and self.pending:
            self.progress(self.name, self.pending, self.total)
        self.pending = 0


def _write_media(
    out_dir: Path, seed: int, count: int, ref_ts: int, progress: Progress | None
) -> list[MediaFile]:
    rng = random.Random(f"media:{seed}")
    stage = _Stage(progress, "images", count)
    images = []
    with (out_dir / "faces.jsonl").open("w", encoding="utf-8", newline="\n") as faces:
        for i in range(count):
            image = make_image(rng, i + 1, out_dir, ref_ts)
            faces.write(dumps(_face_row(image)))
            images.append(image)
            stage.advance()
    stage.done()
    return images


def _write_content(
    out_dir: Path, shared: Shared, workers: int, summary: Summary, progress: Progress | None
) -> dict[int, int]:
    """Write content.jsonl and gold.jsonl block by block; return how often non-users appear."""
    kinds: Counter[str] = Counter()
    visibility: Counter[str] = Counter()
    langs: Counter[str] = Counter()
    uses: Counter[int] = Counter()
    stage = _Stage(progress, "content", len(shared.cast.accounts))
    with (
        (out_dir / "content.jsonl").open("w", encoding="utf-8", newline="\n") as content,
        (out_dir / "gold.jsonl").open("w", encoding="utf-8", newline="\n") as gold,
    ):
        for block in run_blocks(shared, workers):
            content.write(block.content)
            gold.write(block.gold)
            kinds.update(block.kinds)
            visibility.update(block.visibility)
            langs.update(block.langs)
            uses.update(block.nonuser_uses)
            summary.gold += block.gold_lines
            stage.advance(block.accounts)
    stage.done()
    summary.content = sum(kinds.values())
    summary.kinds, summary.visibility = (
        dict(sorted(kinds.items())),
        dict(sorted(visibility.items())),
    )
    summary.langs = dict(sorted(langs.items()))
    return dict(sorted(uses.items()))


def _ref_ts(reference_date: date) -> int:
    return int(
        datetime(
            reference_date.year, reference_date.month, reference_date.day, tzinfo=UTC
        ).timestamp()
    )


def generate_sample(
    out_dir: Path,
    accounts: int,
    seed: int,
    reference_date: date = DEFAULT_REFERENCE_DATE,
    progress: Progress | None = None,
    workers: int = 1,
    block_size: int = BLOCK,
) -> Summary:
    """Write a sample export of ``accounts`` accounts into ``out_dir``; same inputs, same bytes."""
    started = time.perf_counter()
    ref_ts = _ref_ts(reference_date)
    summary = Summary(str(out_dir), seed, reference_date.isoformat())
    clock = _Clock(summary)
    _prepare(out_dir)
    pools = build_pools(seed)
    clock.lap("pools")
    people = make_accounts(random.Random(f"accounts:{seed}"), accounts, pools, ref_ts)
    with (out_dir / "accounts.jsonl").open("w", encoding="utf-8", newline="\n") as handle:
        summary.accounts = _write_lines(handle, (account_row(a) for a in people))
    cast = _cast(random.Random(f"nonusers:{seed}"), pools, people)
    choose = random.Random(f"objectors:{seed}")
    objector_ids = sorted(pick_indices(choose, accounts, 0.03, minimum=min(accounts, 3)))
    cast.objector_accounts = [i for i in objector_ids if people[i].multiword]
    clock.lap("accounts")
    images = _write_media(out_dir, seed, pool_size(accounts), ref_ts, progress)
    summary.media = len(images)
    clock.lap("media")
    shared = Shared(seed, ref_ts, pools, cast, images, max(10, accounts // 50), block_size)
    uses = _write_content(out_dir, shared, workers, summary, progress)
    clock.lap("content")
    summary.notices, summary.objections = _write_requests(
        out_dir, seed, people, objector_ids, cast.nonusers, uses, ref_ts
    )
    clock.lap("requests")
    summary.seconds = time.perf_counter() - started
    return summary


class _Clock:
    """Seconds spent per stage, recorded into the summary."""

    def __init__(self, summary: Summary) -> None:
        self.summary, self.last = summary, time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.summary.stage_seconds[stage] = round(now - self.last, 3)
        self.last = now


def _write_requests(
    out_dir: Path,
    seed: int,
    people: list[Account],
    objector_ids: list[int],
    nonusers: list[NonUser],
    uses: dict[int, int],
    ref_ts: int,
) -> tuple[int, int]:
    rng = random.Random(f"requests:{seed}")
    with (out_dir / "notices.jsonl").open("w", encoding="utf-8", newline="\n") as handle:
        notices = _write_lines(handle, requests.notices(rng, people, ref_ts))
    with (out_dir / "objections.jsonl").open("w", encoding="utf-8", newline="\n") as handle:
        rows = requests.objections(rng, people, objector_ids, nonusers, uses, ref_ts)
        objections = _write_lines(handle, rows)
    return notices, objections
