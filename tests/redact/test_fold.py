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
