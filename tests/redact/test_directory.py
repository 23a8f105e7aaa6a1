"""DirectoryNameDetector: folded, word-bounded, longest match, one-word names only as handles."""

import unicodedata

from optout.keys import Pseudonymizer
from optout.redact import PeopleDirectory
from optout.redact.detectors.directory import DirectoryNameDetector


def found(directory: PeopleDirectory, text: str) -> list[tuple[str, str]]:
    spans = DirectoryNameDetector(directory).find(text)
    return [(text[s.start:s.end], s.label) for s in spans]


def test_names_match_case_and_accent_insensitively(directory: PeopleDirectory) -> None:
    assert found(directory, "met zoe muller today") == [("zoe muller", "person")]
    assert found(directory, "ZOË MÜLLER!") == [("ZOË MÜLLER", "person")]


def test_names_match_in_decomposed_text(directory: PeopleDirectory) -> None:
    text = unicodedata.normalize("NFD", "hi Zoë Müller!")
    assert found(directory, text) == [(unicodedata.normalize("NFD", "Zoë Müller"), "person")]


def test_names_are_word_bounded(directory: PeopleDirectory) -> None:
    assert found(directory, "xzoe muller and zoe mullers and zoe muller-lang") == []


def test_one_word_display_names_are_never_bare_words(directory: PeopleDirectory) -> None:
    assert found(directory, "Ana ate a Banana with Anna") == []
    assert found(directory, "thanks @ana and @Anna!") == [("@ana", "handle"), ("@Anna", "handle")]


def test_handles_need_their_at_sign_and_end(directory: PeopleDirectory) -> None:
    assert found(directory, "bob and @bobby and x@bob.com") == []
    assert found(directory, "cc @marie.curie.") == [("@marie.curie", "handle")]


def test_distinctive_usernames_match_bare(directory: PeopleDirectory) -> None:
    assert found(directory, "hans99x said") == [("hans99x", "handle")]


def test_longest_match_wins(directory: PeopleDirectory) -> None:
    assert found(directory, "Bob Ana Smith") == [("Bob Ana Smith", "person")]


def test_matches_carry_the_person_key(directory: PeopleDirectory,
                                      pseudonymizer: Pseudonymizer) -> None:
    [span] = DirectoryNameDetector(directory).find("Marie Curie")
    assert span.key == pseudonymizer.author("a4")
    [span] = DirectoryNameDetector(directory).find("pedro gomez")
    assert span.key == pseudonymizer.name("Pedro Gómez")


def test_offsets_are_right_after_multibyte_characters(directory: PeopleDirectory) -> None:
    text = "😀🎉 ça — «Zoë Müller» 日本 @zoe_m"
    assert found(directory, text) == [("Zoë Müller", "person"), ("@zoe_m", "handle")]
