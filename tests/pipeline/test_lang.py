"""The stopword language guess: right on clear texts, silent when unsure."""

from __future__ import annotations

import pytest

from optout.pipeline.lang import country_language, guess_language


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Heute war ich mit meiner Mutter im Park und es war schön", "de"),
        ("Je suis très content de la journée avec mes amis", "fr"),
        ("Hoy fui al cine con mi hermana y fue muy bonito", "es"),
        ("Oggi sono andato al mare con la mia famiglia", "it"),
        ("Vandaag ben ik naar de markt geweest met mijn zus", "nl"),
        ("Dzisiaj byłem w kinie z moją siostrą i było super", "pl"),
        ("Hoje fui ao cinema com a minha irmã e foi muito bom", "pt"),
        ("Idag var jag på bio med min syster och det var kul", "sv"),
        ("Today I went to the cinema with my sister and it was great", "en"),
    ],
)
def test_clear_texts(text: str, lang: str) -> None:
    assert guess_language(text) == lang


@pytest.mark.parametrize("text", [None, "", "ok", "😀😀", "12345 67890", "Berlin Paris"])
def test_unsure_is_none(text: str | None) -> None:
    assert guess_language(text) is None


def test_country_fallback() -> None:
    assert country_language("AT") == "de"
    assert country_language(None) is None
