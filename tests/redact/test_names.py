"""Surrogate names: shipped lists, keyed choice, never a blocked name."""

from optout.redact.fold import fold_pattern
from optout.redact.names import LANGUAGES, choose_surrogate, language_of_country, name_list


def test_every_language_ships_a_list_of_hundreds_of_names() -> None:
    for lang in LANGUAGES:
        names = name_list(lang)
        assert len(names.first) >= 150 and len(names.last) >= 90


def test_unknown_languages_fall_back_to_english() -> None:
    assert name_list("xx") == name_list("en")
    assert language_of_country("AT") == "de" and language_of_country(None) == "en"


def test_the_choice_follows_the_digest_and_skips_blocked_names() -> None:
    first = choose_surrogate(iter([0, 1]), "de", frozenset())
    second = choose_surrogate(iter([0, 1]), "de", frozenset({fold_pattern(first.name)}))
    assert first == choose_surrogate(iter([0, 1]), "de", frozenset())
    assert second.name != first.name


def test_a_blocked_handle_gets_digits() -> None:
    first = choose_surrogate(iter([5]), "fr", frozenset())
    other = choose_surrogate(iter([5]), "fr", frozenset({first.handle}))
    assert other.name == first.name and other.handle != first.handle
    assert other.handle.startswith(first.handle)
