"""A cheap stopword-based language guess for short posts (a stand-in until real language ID).

It knows the languages optout's name lists cover. Each function word that belongs to one of
them, and each letter only one of them writes, is a vote; a text is labelled when one
language leads, otherwise the guess is ``None`` and callers fall back on the author's country.
"""

from __future__ import annotations

import string

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

STOPWORDS: dict[str, frozenset[str]] = {
    lang: frozenset(words.split())
    for lang, words in {
        "en": "the and is are was were to of in that this with for you it not have has "
        "my your we they be at on from but what just so very our will would me anyone "
        "thanks great today yesterday about really love who when where there here",
        "de": "der die das und ist nicht ich ein eine mit den dem zu von auf für sich "
        "auch wir ihr sie es im des war sind heute noch wie aber mein meine uns kann "
        "mir jemand einen guten bin gerade etwas beim gewesen neues mehr dazu bald "
        "grüße danke oder wenn dann schon sehr hier habe hat wird zum zur vom nach "
        "bei über wieder immer alle kein keine gestern morgen",
        "fr": "le la les et est une des pas je du dans que qui pour sur avec il elle "
        "nous vous ce cette mais sont au aux mon ma mes très était suis exactement "
        "accord hier demain nouveau nouvelle merci bien tout tous aussi quand où "
        "parce chez avoir fait",
        "es": "el la los las y es un una de que en por para con no se su al lo como "
        "pero muy este esta hoy mi mis nos fue está son gracias verdad también "
        "contó quién alguien hay cuando donde porque más ya todo todos bien ayer "
        "mañana nuevo nueva",
        "it": "il lo la gli le e è un una di che per con non si del della sono ho "
        "ma molto questo questa oggi mio mia nel alla grazie anche ancora ieri "
        "domani bello bella nuovo nuova tutti",
        "nl": "de het een en is van ik niet op te dat met voor zijn maar ook je we "
        "wij er naar bij heel vandaag mijn onze was dit deze wel nog al leuk "
        "bedankt gisteren morgen",
        "pl": "i w nie na się z że to jest do jak ale od po co za tak już mnie "
        "bardzo dziś dzisiaj mój moja jestem był była dla nowy projekt więcej "
        "wkrótce wczoraj polecam ze mną są też tylko dziękuję",
        "pt": "o a os as e é um uma de que em para com não se do da dos das no na "
        "mas muito este esta hoje meu minha foi são obrigado liguem foto quem "
        "alinha num sábado já vem também ontem amanhã obrigada você está estou",
        "sv": "och att det är en ett i på som för med inte jag har av till den de "
        "men om vi var mycket idag min mitt våra tack så fint hälsningar från "
        "också här där",
    }.items()
}
# Letters only one of these languages writes; each one present counts as one word.
LETTERS = {
    "pl": "ąęłńśźż", "sv": "å", "de": "ßü", "es": "ñ¿¡", "pt": "ãõ", "fr": "èêœë", "it": "ò",
}  # fmt: skip

# Words that are stopwords in several languages say nothing about which one it is.
_SHARED = {
    word
    for lang, words in STOPWORDS.items()
    for word in words
    if sum(word in other for other in STOPWORDS.values()) > 1
}
LANGS = tuple(STOPWORDS)
_VOCABULARY = sorted(word for words in STOPWORDS.values() for word in words - _SHARED)
_VOCABULARY_WORDS = pa.array(_VOCABULARY, pa.string())
_VOCABULARY_LANG = np.array(
    [next(i for i, lang in enumerate(LANGS) if word in STOPWORDS[lang]) for word in _VOCABULARY]
)
# a word is what whitespace, apostrophes, hyphens and slashes separate, less the punctuation,
# digits and symbols around it ("(heute," -> "heute", "est-ce" -> "est", "ce"); an email
# address or a URL stays one word, so its "com" is no Portuguese vote
_SEPARATORS = "'’-/"
_AROUND_WORDS = string.punctuation + string.digits + "«»‹›“”„‚‘¿¡…–—·•°€£$%‰"
MAX_CHARS = 400
_LETTER_LANG = [(letter, LANGS.index(lang)) for lang, letters in LETTERS.items()
                for letter in letters]  # fmt: skip
_ANY_LETTER = "[" + "".join(letter for letter, _ in _LETTER_LANG) + "]"

COUNTRY_LANGUAGE = {
    "DE": "de", "AT": "de", "LI": "de", "CH": "de", "LU": "fr", "FR": "fr", "BE": "nl",
    "NL": "nl", "ES": "es", "IT": "it", "SM": "it", "PL": "pl", "PT": "pt", "BR": "pt",
    "SE": "sv", "GB": "en", "IE": "en", "MT": "en", "US": "en", "CA": "en", "AU": "en",
}  # fmt: skip


def guess_language(text: str | None) -> str | None:
    """Return the ISO 639-1 code of the text's language, or ``None`` when unsure."""
    return guess_languages(pa.array([text], pa.string()))[0].as_py()


def guess_languages(texts: pa.Array | pa.ChunkedArray) -> pa.Array:
    """The language of every text (see :func:`guess_language`), computed column-wise."""
    if len(texts) == 0:
        return pa.array([], pa.string())
    lowered = pc.utf8_lower(pc.utf8_slice_codeunits(texts, 0, MAX_CHARS))
    votes = _word_votes(lowered) + _letter_votes(lowered)
    best = votes.max(axis=1)
    sure = (best > 0) & ((votes == best[:, None]).sum(axis=1) == 1)
    names = np.array(LANGS, dtype=object)[votes.argmax(axis=1)]
    return pa.array(np.where(sure, names, None), pa.string())


def _word_votes(lowered: pa.Array) -> np.ndarray:
    """Per text and language, how many of its words are that language's own stopwords."""
    for separator in _SEPARATORS:
        lowered = pc.replace_substring(lowered, separator, " ")
    words = pc.utf8_split_whitespace(lowered)
    found = pc.index_in(pc.utf8_trim(pc.list_flatten(words), _AROUND_WORDS),
                        value_set=_VOCABULARY_WORDS)
    known = pc.is_valid(found).to_numpy(zero_copy_only=False)
    rows = pc.list_parent_indices(words).to_numpy()[known]
    cells = rows * len(LANGS) + _VOCABULARY_LANG[found.drop_null().to_numpy()]
    counts = np.bincount(cells, minlength=len(lowered) * len(LANGS))
    return counts.reshape(len(lowered), len(LANGS))


def _letter_votes(lowered: pa.Array) -> np.ndarray:
    """Per text and language, how many letters only that language writes the text holds."""
    votes = np.zeros((len(lowered), len(LANGS)), dtype=np.int64)
    with_letters = np.flatnonzero(
        pc.fill_null(pc.match_substring_regex(lowered, _ANY_LETTER), False).to_numpy(
            zero_copy_only=False
        )
    )
    if len(with_letters) == 0:
        return votes
    subset = lowered.take(pa.array(with_letters))
    for letter, lang in _LETTER_LANG:
        present = pc.fill_null(pc.match_substring(subset, letter), False)
        votes[with_letters, lang] += present.to_numpy(zero_copy_only=False)
    return votes


def country_language(country: str | None) -> str | None:
    """The main language of a country, for surrogates when the text's language is unknown."""
    return COUNTRY_LANGUAGE.get(country or "")
