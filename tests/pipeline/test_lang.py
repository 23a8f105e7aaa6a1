"""The stopword language guess: right on clear texts, silent when unsure."""

from __future__ import annotations

import pyarrow as pa
import pytest

from optout.pipeline.lang import country_language, guess_language, guess_languages


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


def test_a_column_gets_the_same_guesses_as_each_text_alone() -> None:
    texts = [
        "Heute war ich mit meiner Mutter im Park",
        None,
        "",
        "Dzisiaj byłem w kinie z moją siostrą",
        "Berlin Paris",
        "Je suis très content de la journée",
    ]
    column = guess_languages(pa.array(texts, pa.string()))
    assert column.to_pylist() == [guess_language(text) for text in texts]
    assert column.to_pylist() == ["de", None, None, "pl", None, "fr"]


def test_words_are_split_at_apostrophes_and_hyphens_and_stripped_of_punctuation() -> None:
    assert guess_language("(Est-ce vrai ?) Qu'est-ce que c'était, très drôle !") == "fr"
    assert guess_language("HEUTE, NICHT MORGEN!") == "de"


def test_an_email_address_is_one_word_and_votes_for_no_language() -> None:
    # split at its dots, "ana@example.com" would give the Portuguese stopword "com"
    assert guess_language("ana@example.com") is None
