"""Scoring rules of the redaction evaluation, on hand-made spans."""

from __future__ import annotations

import pyarrow as pa
import pytest

from optout.keys import Pseudonymizer
from optout.redact import PeopleDirectory, RedactionConfig
from optout.redact.evaluate import (
    Example,
    author_account_id,
    evaluate,
    example_from_line,
    gold_found,
    prediction_correct,
    select_half,
    span_finder,
)
from optout.redact.spans import Span


def test_a_gold_span_is_found_when_predictions_cover_half_of_it() -> None:
    gold = Span(0, 10, "person")
    assert gold_found(gold, [Span(0, 5, "person")])
    assert not gold_found(gold, [Span(0, 4, "person")])
    assert gold_found(gold, [Span(0, 3, "person"), Span(7, 9, "person")])  # 5 of 10, together
    assert not gold_found(gold, [Span(0, 3, "person"), Span(1, 4, "person")])  # overlap once
    assert not gold_found(gold, [Span(0, 10, "email")])  # another label


def test_a_prediction_is_correct_when_it_alone_covers_half_of_a_gold_span() -> None:
    gold = [Span(0, 10, "person"), Span(20, 24, "phone")]
    assert prediction_correct(Span(5, 30, "person"), gold)
    assert not prediction_correct(Span(6, 30, "person"), gold)
    assert prediction_correct(Span(22, 24, "phone"), gold)
    assert not prediction_correct(Span(0, 10, "phone"), gold)


def test_counts_per_label_and_language() -> None:
    examples = [
        Example("x" * 30, "de", (Span(0, 10, "person"), Span(20, 24, "phone")), True),
        Example("x" * 30, "fr", (Span(0, 10, "person"),), True),
    ]
    predictions = {
        "de": [Span(0, 6, "person"), Span(12, 15, "email")],
        "fr": [Span(0, 2, "person")],
    }
    iterator = iter(predictions.values())
    summary = evaluate(examples, lambda text, region, lang: next(iterator)).summary()
    person = summary["labels"]["person"]
    assert (person["gold"], person["found"], person["recall"]) == (2, 1, 0.5)
    assert (person["predicted"], person["correct"], person["precision"]) == (2, 1, 0.5)
    assert summary["labels"]["phone"]["recall"] == 0.0
    assert summary["labels"]["phone"]["precision"] is None
    assert summary["labels"]["email"]["precision"] == 0.0
    assert summary["languages"]["de"]["person"]["recall"] == 1.0
    assert summary["languages"]["fr"]["person"]["recall"] == 0.0
    assert summary["entity_free"]["sentences"] == 0
    assert summary["entity_free"]["per_1000_sentences"] is None


def test_false_positives_per_1000_sentences_without_any_entity() -> None:
    free = [Example(f"t{i}", "en", (), False) for i in range(4)]
    # a text with only an ignored label (LOCATION) is not entity-free
    located = example_from_line({"text": "In Berlin", "lang": "en",
                                 "spans": [{"start": 3, "end": 9, "label": "LOCATION"}]})
    assert located.gold == () and located.has_entity
    hits = {"t0": [Span(0, 1, "phone"), Span(1, 2, "email")], "t1": [Span(0, 1, "phone")],
            "In Berlin": [Span(0, 2, "person")]}
    summary = evaluate([*free, located], lambda text, region, lang: hits.get(text, [])).summary()
    assert summary["entity_free"] == {
        "sentences": 4, "false_positives": 3, "per_1000_sentences": 750.0,
        "by_label": {"email": 1, "phone": 2},
    }
    assert summary["entity_free_by_language"]["en"]["sentences"] == 4
    assert summary["labels"]["person"]["precision"] == 0.0  # counted, but not entity-free


def test_label_mapping() -> None:
    line = {"text": "a" * 40, "lang": "de", "spans": [
        {"start": 0, "end": 4, "label": "PERSON", "source": "nonuser"},
        {"start": 5, "end": 9, "label": "PERSON_PART"},
        {"start": 10, "end": 14, "label": "EMAIL_ADDRESS"},
        {"start": 15, "end": 19, "label": "CREDIT_CARD"},
        {"start": 20, "end": 24, "label": "IBAN_CODE"},
        {"start": 25, "end": 29, "label": "IP_ADDRESS"},
        {"start": 30, "end": 34, "label": "PHONE_NUMBER"},
        {"start": 35, "end": 39, "label": "STREET_ADDRESS"},
    ]}
    example = example_from_line(line, region="DE")
    assert [s.label for s in example.gold] == [
        "person", "email", "card", "iban", "ip", "phone", "address"
    ]
    assert example.gold[0].key == "nonuser" and example.region == "DE"
    assert example_from_line({**line, "region": "AT"}, region="DE").region == "AT"


def test_halves() -> None:
    lines = list(range(7))
    assert list(select_half(lines, "dev")) == [0, 1, 2]
    assert list(select_half(lines, "test")) == [3, 4, 5, 6]
    assert list(select_half(lines, "all")) == lines
    with pytest.raises(ValueError):
        select_half(lines, "train")


def test_author_account_id() -> None:
    assert author_account_id("c-0000002-004") == "acct-0000002"
    assert author_account_id("presidio_synth_v2:3") is None
    assert author_account_id(None) is None


def test_span_finder_resolves_overlaps_like_the_redactor() -> None:
    accounts = pa.table({"account_id": ["a1"], "username": ["ana_p"],
                         "display_name": ["Ana Pérez"], "country": ["ES"]})
    directory = PeopleDirectory.build(accounts, set(), [], [], Pseudonymizer(b"k"))
    find = span_finder(directory, RedactionConfig(platform_urls=("https://social.example/",)))
    text = "Ana Pérez: https://social.example/@ana_p ana@example.org"
    assert [(s.start, s.end, s.label) for s in find(text, "ES")] == [
        (0, 9, "person"), (11, 40, "url"), (41, 56, "email")]
    assert find("nothing here", None) == []
