"""Redactor: people and personal data replaced, keys and objector flags reported."""

import pickle

import pyarrow as pa

from optout.keys import Pseudonymizer
from optout.redact import PLACEHOLDER, PeopleDirectory, RedactionConfig, Redactor
from optout.redact.detectors import PII_LABELS
from optout.redact.fold import fold_pattern


def test_plain_text_is_unchanged(redactor: Redactor) -> None:
    result = redactor.redact("Nothing personal here, 3 cats and 2 dogs.", "en", "DE")
    assert result.text == "Nothing personal here, 3 cats and 2 dogs."
    assert result.counts == {} and result.person_keys == [] and not result.mentions_objector


def test_people_get_consistent_surrogates(redactor: Redactor, pseudonymizer: Pseudonymizer,
                                          directory: PeopleDirectory) -> None:
    first = redactor.redact("Zoë Müller was here", "de", "DE")
    second = redactor.redact("I met zoe muller!", "en", "DE")
    surrogate = first.text.removesuffix(" was here")
    assert surrogate in second.text and "Zoë" not in first.text
    assert fold_pattern(surrogate) not in directory.blocked
    assert first.person_keys == [pseudonymizer.author("a1")]
    assert first.counts == {"person": 1}


def test_handles_get_surrogate_handles(redactor: Redactor) -> None:
    result = redactor.redact("cc @zoe_m", None, None)
    assert result.text.startswith("cc @") and "zoe_m" not in result.text
    assert result.counts == {"handle": 1}


def test_objectors_become_the_placeholder(redactor: Redactor, pseudonymizer: Pseudonymizer
                                          ) -> None:
    result = redactor.redact("Hans Meier, @pgomez and Pedro Gómez", None, None)
    assert result.text == f"{PLACEHOLDER}, {PLACEHOLDER} and {PLACEHOLDER}"
    assert result.mentions_objector
    # an objector's key on the row would tie their [PERSON] mentions together again
    assert result.person_keys == []


def test_without_pseudonyms_everyone_is_the_placeholder(directory: PeopleDirectory,
                                                        pseudonymizer: Pseudonymizer) -> None:
    redactor = Redactor(directory, RedactionConfig(PII_LABELS, False), pseudonymizer)
    result = redactor.redact("Marie Curie", None, None)
    assert result.text == PLACEHOLDER and not result.mentions_objector


def test_structured_data_is_replaced_and_counted(redactor: Redactor) -> None:
    text = ("mail ana@example.org, call +33 6 12 34 56 78, IBAN DE89 3704 0044 0532 0130 00, "
            "card 4111 1111 1111 1111, from 8.8.8.8, DNI 12345678Z, https://social.example/ana")
    result = redactor.redact(text, "es", "ES")
    for value in ["ana@example.org", "+33 6 12 34 56 78", "DE89 3704", "4111 1111",
                  "8.8.8.8", "12345678Z", "social.example"]:
        assert value not in result.text
    assert result.counts == {"email": 1, "phone": 1, "iban": 1, "card": 1, "ip": 1,
                             "national_id": 1, "url": 1}


def test_only_configured_kinds_are_redacted(directory: PeopleDirectory,
                                            pseudonymizer: Pseudonymizer) -> None:
    redactor = Redactor(directory, RedactionConfig(frozenset({"email"})), pseudonymizer)
    result = redactor.redact("ana@example.org 8.8.8.8", None, None)
    assert result.text.endswith(" 8.8.8.8") and result.counts == {"email": 1}


def test_mentions_inside_urls_still_report_the_person(redactor: Redactor,
                                                      pseudonymizer: Pseudonymizer) -> None:
    result = redactor.redact("https://social.example/@zoe_m", None, None)
    assert result.counts == {"url": 1}
    assert result.person_keys == [pseudonymizer.author("a1")]


def test_redact_column(redactor: Redactor, pseudonymizer: Pseudonymizer) -> None:
    texts = pa.array(["hi Marie Curie", None, "Hans Meier", "plain"])
    langs = pa.array(["fr", None, "de", None])
    regions = pa.array(["FR", None, "AT", None])
    out, keys, flags, counts = redactor.redact_column(texts, langs, regions)
    assert out.null_count == 1 and out[3].as_py() == "plain"
    assert keys.type == pa.list_(pa.string())
    assert keys.to_pylist() == [[pseudonymizer.author("a4")], [], [], []]  # a3 objects
    assert flags.to_pylist() == [False, False, True, False]
    assert counts == {"person": 2}


def test_redactor_survives_pickling(redactor: Redactor) -> None:
    before = redactor.redact("Marie Curie ana@example.org", None, None).text
    clone = pickle.loads(pickle.dumps(redactor))
    assert clone.redact("Marie Curie ana@example.org", None, None).text == before


def test_directory_accepts_record_batches(pseudonymizer: Pseudonymizer) -> None:
    batch = pa.record_batch({"account_id": ["x"], "username": ["ex"],
                             "display_name": ["Eva Xu"], "country": ["SE"]})
    directory = PeopleDirectory.build([batch], set(), [], [], pseudonymizer)
    assert len(directory) == 1 and directory.langs == ("sv",)


def test_redactor_works_in_a_worker_process(redactor: Redactor) -> None:
    from concurrent.futures import ProcessPoolExecutor

    text = "Marie Curie wrote to ana@example.org"
    with ProcessPoolExecutor(max_workers=1) as pool:
        remote = pool.submit(_redact_in_worker, redactor, text).result()
    assert remote == redactor.redact(text, None, None).text


def _redact_in_worker(redactor: Redactor, text: str) -> str:
    return redactor.redact(text, None, None).text


def test_surrogate_names_avoid_every_directory_name(pseudonymizer: Pseudonymizer) -> None:
    from optout.redact.names import name_list

    names = name_list("de")
    crowd = [f"{first} {last}" for first in names.first[:40] for last in names.last[:40]]
    accounts = pa.table({"account_id": [f"c{i}" for i in range(len(crowd))],
                         "username": [f"user_{i}" for i in range(len(crowd))],
                         "display_name": crowd, "country": ["DE"] * len(crowd)})
    directory = PeopleDirectory.build(accounts, set(), [], [], pseudonymizer)
    redactor = Redactor(directory, RedactionConfig(PII_LABELS), pseudonymizer)
    blocked = {fold_pattern(name) for name in crowd}
    for index in range(200):
        surrogate = redactor.person_surrogate(index)
        assert fold_pattern(surrogate.name) not in blocked
        assert surrogate.handle not in directory.blocked


def test_pickles_carry_the_built_automaton_and_the_directory(redactor: Redactor,
                                                             directory: PeopleDirectory) -> None:
    clone = pickle.loads(pickle.dumps(redactor))
    assert clone._names is not None and clone._names.automaton is not None  # not rebuilt
    assert clone.directory == directory
    text = "Zoë Müller, @hans99x and Pedro Gómez: ana@example.org, +49 30 12345678"
    assert clone.redact(text, "de", "DE") == redactor.redact(text, "de", "DE")
    empty = PeopleDirectory.build(pa.table({"account_id": pa.array([], pa.string())}),
                                  set(), [], [], Pseudonymizer(b"k"))
    assert pickle.loads(pickle.dumps(empty)) == empty


def test_directory_people_are_only_the_directorys(redactor: Redactor,
                                                  pseudonymizer: Pseudonymizer) -> None:
    text = "Zoë Müller with Pedro Gómez, mail ana@example.org, +49 30 12345678"
    people = redactor.directory_people(text)
    assert [text[start:end] for start, end, _ in people] == ["Zoë Müller", "Pedro Gómez"]
    assert [person.objector for _, _, person in people] == [False, True]
    assert people[0][2].keys == (pseudonymizer.author("a1"),)
