"""Case- and accent-folding that keeps a map back to offsets in the original text."""

from __future__ import annotations

import re
import unicodedata

_EXTRA = {"ł": "l", "Ł": "l", "ø": "o", "Ø": "o", "đ": "d", "Đ": "d", "\u0131": "i", "\u2019": "'",
          "\u02bc": "'", "\u00a0": " ", "\u202f": " ", "\t": " ", "\n": " ", "\r": " "}
_COMBINING = re.compile(r"[\u0300-\u036f]")


def _fold_char(char: str) -> str:
    if char in _EXTRA:
        return _EXTRA[char]
    base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
    lowered = base.lower()
    return lowered if len(lowered) == 1 else char.lower() if len(char.lower()) == 1 else char


def _build_table() -> dict[int, str]:
    ranges = [range(0x0000, 0x0530), range(0x1E00, 0x1F00), range(0x2000, 0x2030)]
    table: dict[int, str] = {}
    for block in ranges:
        for code in block:
            char = chr(code)
            folded = _fold_char(char)
            if folded != char:
                table[code] = folded
    return table


FOLD_TABLE = _build_table()


def fold(text: str) -> tuple[str, list[int] | None]:
    """Fold ``text``; return it with ``None`` when every offset is unchanged, else an offset map.

    The map gives, for each folded character (plus one past the end), its offset in ``text``.
    Only combining marks (decomposed accents) are dropped; every other character folds 1:1.
    """
    folded = text.translate(FOLD_TABLE)
    if folded.isascii() or not _COMBINING.search(folded):
        return folded, None
    chars: list[str] = []
    offsets: list[int] = []
    for index, char in enumerate(folded):
        if not unicodedata.combining(char):
            chars.append(char)
            offsets.append(index)
    offsets.append(len(text))
    return "".join(chars), offsets


def fold_pattern(text: str) -> str:
    """Fold a directory name or handle the way texts are folded, with whitespace collapsed."""
    folded, _ = fold(unicodedata.normalize("NFC", text))
    return " ".join(folded.split())
