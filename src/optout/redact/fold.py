"""Case- and accent-folding that keeps a map back to offsets in the original text.

Letters fold to lower case without accents, digits and the joiners ``@ _ - .`` stay, and
everything else (spaces, punctuation, apostrophes, symbols, emoji) becomes a space, one
character for one character; so offsets are unchanged except in decomposed text.
"""

from __future__ import annotations

import re
import unicodedata

KEPT = "@_-."
_EXTRA = {"ł": "l", "Ł": "l", "ø": "o", "Ø": "o", "đ": "d", "Đ": "d", "\u0131": "i"}


def fold_char(char: str) -> str:
    """The one character ``char`` folds to."""
    if char in _EXTRA:
        return _EXTRA[char]
    if not (char.isalnum() or char in KEPT):
        return " "
    base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
    limit = 0x100 if ord(char) < 0x100 else 0x110000  # Latin-1 folds within Latin-1
    for candidate in (base.lower(), char.lower()):
        if len(candidate) == 1 and candidate.isalnum() and ord(candidate) < limit:
            return candidate
    return char


_DECOMPOSED = "\x00"  # combining marks fold to this, to send the text down the slow path
_TABLE_RANGES = ((0x80, 0x0530), (0x1E00, 0x1F00), (0x2000, 0x2C00), (0x3000, 0x3040),
                 (0xFE00, 0xFE10), (0x1F000, 0x1FB00))


def _build_table() -> dict[int, str]:
    table = {code: fold_char(chr(code)) for code in range(128)}
    for low, high in _TABLE_RANGES:
        for code in range(low, high):
            table[code] = _DECOMPOSED if unicodedata.combining(chr(code)) else fold_char(chr(code))
    return table


FOLD_TABLE = _build_table()  # characters outside its ranges (CJK, ...) fold to themselves
LATIN1_TABLE = bytes(ord(FOLD_TABLE[code]) for code in range(256))  # the fast path's table


def fold(text: str) -> tuple[str, list[int] | None]:
    """Fold ``text``; return it with ``None`` when every offset is unchanged, else an offset map.

    The map gives, for each folded character (plus one past the end), its offset in ``text``.
    """
    try:  # most European posts are Latin-1: fold them with C-speed byte translation
        return text.encode("latin-1").translate(LATIN1_TABLE).decode("latin-1"), None
    except UnicodeEncodeError:
        pass
    others = _NOT_LATIN1.findall(text)
    if len(others) > _FEW:  # Polish, Czech, Greek, ... text: one translate of every character
        folded = text.translate(FOLD_TABLE)
        if _DECOMPOSED in folded:
            return _fold_decomposed(text)
        return folded, None
    # a few emoji or letters beyond Latin-1: fold the rest as bytes, then patch those in
    folded = text.encode("latin-1", "replace").translate(LATIN1_TABLE).decode("latin-1")
    patched = list(folded)
    index = -1
    for char in others:
        index = text.index(char, index + 1)
        replacement = FOLD_TABLE.get(ord(char), char)
        if replacement == _DECOMPOSED:
            return _fold_decomposed(text)
        patched[index] = replacement
    return "".join(patched), None


_NOT_LATIN1 = re.compile(r"[^\x00-\xff]")
_FEW = 8


def _fold_decomposed(text: str) -> tuple[str, list[int]]:
    chars: list[str] = []
    offsets: list[int] = []
    for index, char in enumerate(text):
        if not unicodedata.combining(char) and char != _DECOMPOSED:
            chars.append(char.translate(FOLD_TABLE))
            offsets.append(index)
    offsets.append(len(text))
    return "".join(chars), offsets


def fold_pattern(text: str) -> str:
    """Fold a directory name or handle as texts are folded; outer spaces dropped, runs of
    whitespace in the original collapsed to one."""
    folded, _ = fold(" ".join(unicodedata.normalize("NFC", text).split()))
    return folded.strip()
