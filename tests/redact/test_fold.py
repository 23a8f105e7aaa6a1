"""Folding: case and accents, one character for one, offsets for decomposed text."""

import unicodedata

from optout.redact.fold import fold, fold_pattern


def test_case_and_accents_fold_to_plain_lower_case() -> None:
    assert fold("Zoë MÜLLER Łukasz İstanbul")[0] == "zoe muller lukasz istanbul"


def test_folding_keeps_length_for_composed_text() -> None:
    text = "Ça va, Zoë? 😀 Ørsted «Ana»"
    folded, offsets = fold(text)
    assert offsets is None
    assert len(folded) == len(text)


def test_punctuation_becomes_space_but_joiners_stay() -> None:
    assert fold("(@ana_p.x) d'Ana Jean-Luc!")[0] == " @ana_p.x  d ana jean-luc "


def test_decomposed_accents_are_dropped_with_an_offset_map() -> None:
    text = unicodedata.normalize("NFD", "Zoë x")
    folded, offsets = fold(text)
    assert folded == "zoe x"
    assert offsets is not None
    assert text[offsets[4]:offsets[5]] == "x"


def test_patterns_fold_like_texts_and_collapse_whitespace() -> None:
    assert fold_pattern("  Zoë   Müller ") == "zoe muller"


def test_fast_paths_fold_like_the_table() -> None:
    """Latin-1 text, text with a few characters beyond it (emoji, ł, ő) and text with many
    fold exactly as ``str.translate(FOLD_TABLE)``."""
    import random

    from optout.redact.fold import FOLD_TABLE, fold

    rng = random.Random(11)
    alphabet = "aZé ÄßøØ.,-@_'1 " + "łŁőŐčšžĆ" + "\u0131" + "😀👋📷€—…" + "ΑβЖ" + "中"
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        folded, offsets = fold(text)
        assert offsets is None and folded == text.translate(FOLD_TABLE), text


def test_decomposed_text_beside_emoji_takes_the_offset_path() -> None:
    from optout.redact.fold import fold

    folded, offsets = fold("Zoe\u0308 👋")
    assert folded == "zoe  " and offsets == [0, 1, 2, 4, 5, 6]
