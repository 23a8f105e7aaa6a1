"""Content generation in blocks of accounts, each seeded on its own, so workers can share it."""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from optout.corpus.sample.content import ContentMaker
from optout.corpus.sample.lines import content_line, gold_line
from optout.corpus.sample.media import MediaFile
from optout.corpus.sample.pools import Pools
from optout.corpus.sample.text import Cast, TextMaker

BLOCK = 1000

_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def dumps(row: dict[str, Any]) -> str:
    """One JSON Lines line: compact, UTF-8 text kept as is."""
    return _ENCODER.encode(row) + "\n"


@dataclass(slots=True)
class Shared:
    """What every block needs: pools, people, images, and the fixed parameters."""

    seed: int
    ref_ts: int
    pools: Pools
    cast: Cast
    images: list[MediaFile]
    places: int
    block: int = BLOCK


@dataclass(slots=True)
class BlockResult:
    """The content and gold lines of one block, and what they counted."""

    content: str
    gold: str
    accounts: int
    kinds: Counter[str] = field(default_factory=Counter)
    visibility: Counter[str] = field(default_factory=Counter)
    langs: Counter[str] = field(default_factory=Counter)
    gold_lines: int = 0
    nonuser_uses: dict[int, int] = field(default_factory=dict)


_shared: Shared | None = None


def _init(shared: Shared) -> None:
    global _shared
    _shared = shared


def run_block(start: int) -> BlockResult:
    """Content of the block of accounts from ``start``: deterministic for the seed and ``start``."""
    shared = _shared
    assert shared is not None, "blocks need _init() first"
    rng = random.Random(f"content:{shared.seed}:{start}")
    cast = shared.cast
    cast.nonuser_uses = {}
    maker = ContentMaker(
        rng, TextMaker(rng, shared.pools, cast), shared.images, shared.places, shared.ref_ts
    )
    accounts = cast.accounts[start : start + shared.block]
    content: list[str] = []
    gold: list[str] = []
    result = BlockResult("", "", len(accounts))
    for account in accounts:
        for item in maker.items(account):
            row = item.row
            content.append(content_line(row))
            result.kinds[row["kind"]] += 1
            result.visibility[row["visibility"]] += 1
            result.langs[item.lang] += 1
            gold.extend(gold_line(line) for line in item.gold)
    result.content, result.gold = "".join(content), "".join(gold)
    result.gold_lines = len(gold)
    result.nonuser_uses = cast.nonuser_uses
    return result


def run_blocks(shared: Shared, workers: int) -> Iterator[BlockResult]:
    """Every block's result, in order, computed by ``workers`` processes (1: in this one)."""
    starts = range(0, len(shared.cast.accounts), shared.block)
    if workers <= 1 or len(starts) <= 1:
        _init(shared)
        yield from map(run_block, starts)
        return
    with ProcessPoolExecutor(workers, initializer=_init, initargs=(shared,)) as pool:
        yield from pool.map(run_block, starts)
