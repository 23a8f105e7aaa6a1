"""Scores detectors on labelled spans: recall, precision, false positives per label and language."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from optout.keys import Pseudonymizer
from optout.redact.people import PeopleDirectory
from optout.redact.redactor import RedactionConfig, Redactor
from optout.redact.spans import Span

# gold label -> optout label; labels not listed (LOCATION, ORGANIZATION, MISC, GermEval's
# *_PART and *_DERIV, presidio's DATE_TIME, ZIP_CODE, ...) are ignored
LABEL_MAP: dict[str, str] = {
    # the sample's gold.jsonl
    "PERSON": "person", "HANDLE": "handle", "EMAIL": "email", "PHONE": "phone",
    "IBAN": "iban", "CARD": "card", "IP": "ip", "NATIONAL_ID": "national_id", "URL": "url",
    # presidio-research
    "EMAIL_ADDRESS": "email", "PHONE_NUMBER": "phone", "CREDIT_CARD": "card",
    "IBAN_CODE": "iban", "IP_ADDRESS": "ip", "US_SSN": "national_id",
    "STREET_ADDRESS": "address",
    # quasi-identifiers, should a file label them
    "ADDRESS": "address", "DATE_OF_BIRTH": "date_of_birth", "DOB": "date_of_birth",
    "LICENSE_PLATE": "licence_plate", "LICENCE_PLATE": "licence_plate",
}
HALVES = ("dev", "test", "all")
PRECISION_RULE = (
    "a predicted span is correct when it alone covers at least half of the characters of "
    "some gold span of the same label; every other prediction counts against precision"
)
_CONTENT_ID = re.compile(r"c-(\d+)-")


@dataclass(frozen=True)
class Example:
    """One labelled text: its mapped gold spans, and whether it has any entity at all."""

    text: str
    lang: str
    gold: tuple[Span, ...]  # ``key`` holds the gold span's ``source`` when it has one
    has_entity: bool  # any gold span, ignored labels included
    region: str | None = None


def example_from_line(line: dict[str, Any], region: str | None = None) -> Example:
    """An Example from one parsed JSON line (``text``, ``spans``, optional ``lang``, ``region``)."""
    spans = line.get("spans") or []
    gold = tuple(
        Span(int(s["start"]), int(s["end"]), LABEL_MAP[s["label"]], s.get("source"))
        for s in spans if s["label"] in LABEL_MAP
    )
    return Example(line["text"], line.get("lang") or "?", gold, bool(spans),
                   line.get("region") or region)


def select_half(items: Sequence[Any], half: str) -> Sequence[Any]:
    """``dev``: the first half of the lines (``n // 2``); ``test``: the rest; ``all``: all."""
    if half not in HALVES:
        raise ValueError(f"unknown half: {half}")
    middle = len(items) // 2
    return items[:middle] if half == "dev" else items[middle:] if half == "test" else items


def author_account_id(content_id: str | None) -> str | None:
    """``acct-0000002`` for the sample's content id ``c-0000002-004``, else None."""
    match = _CONTENT_ID.match(content_id or "")
    return f"acct-{match.group(1)}" if match else None


def overlap(a: Span, b: Span) -> int:
    return max(0, min(a.end, b.end) - max(a.start, b.start))


def covered_chars(target: Span, spans: Iterable[Span]) -> int:
    """How many characters of ``target`` the union of ``spans`` covers."""
    covered = 0
    cursor = target.start
    for span in sorted(spans):
        start, end = max(span.start, cursor), min(span.end, target.end)
        if end > start:
            covered += end - start
            cursor = end
    return covered


def gold_found(gold: Span, predicted: Iterable[Span]) -> bool:
    """Predicted spans of the gold span's label cover at least half of its characters."""
    same = [p for p in predicted if p.label == gold.label]
    return 2 * covered_chars(gold, same) >= gold.end - gold.start > 0


def prediction_correct(prediction: Span, gold: Iterable[Span]) -> bool:
    """The prediction alone covers at least half of some gold span of its label."""
    return any(
        g.label == prediction.label and 2 * overlap(prediction, g) >= g.end - g.start > 0
        for g in gold
    )


@dataclass
class Counts:
    """Gold spans and how many were found; predictions and how many were correct."""

    gold: int = 0
    found: int = 0
    predicted: int = 0
    correct: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"gold": self.gold, "found": self.found, "recall": _ratio(self.found, self.gold),
                "predicted": self.predicted, "correct": self.correct,
                "precision": _ratio(self.correct, self.predicted)}

    def recall_dict(self) -> dict[str, Any]:
        return {"gold": self.gold, "found": self.found, "recall": _ratio(self.found, self.gold)}


@dataclass
class FalsePositives:
    """Predictions on texts that hold no entity at all."""

    sentences: int = 0
    spans: int = 0
    by_label: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        per_1000 = None if not self.sentences else round(1000 * self.spans / self.sentences, 2)
        return {"sentences": self.sentences, "false_positives": self.spans,
                "per_1000_sentences": per_1000, "by_label": dict(sorted(self.by_label.items()))}


@dataclass
class Tally:
    """Counts over many examples, per label, per language and label, per gold source."""

    texts: int = 0
    labels: dict[str, Counts] = field(default_factory=dict)
    languages: dict[str, dict[str, Counts]] = field(default_factory=dict)
    sources: dict[tuple[str, str], Counts] = field(default_factory=dict)
    entity_free: FalsePositives = field(default_factory=FalsePositives)
    entity_free_by_lang: dict[str, FalsePositives] = field(default_factory=dict)

    def add(self, example: Example, predicted: Sequence[Span]) -> None:
        """Score one example against the spans predicted in it."""
        self.texts += 1
        per_lang = self.languages.setdefault(example.lang, {})
        for gold in example.gold:
            found = gold_found(gold, predicted)
            for counts in _counts(self.labels, gold.label), _counts(per_lang, gold.label):
                counts.gold += 1
                counts.found += found
            if gold.key is not None:
                counts = self.sources.setdefault((gold.label, gold.key), Counts())
                counts.gold += 1
                counts.found += found
        for prediction in predicted:
            correct = prediction_correct(prediction, example.gold)
            for counts in (_counts(self.labels, prediction.label),
                           _counts(per_lang, prediction.label)):
                counts.predicted += 1
                counts.correct += correct
        if not example.has_entity:
            lang_fp = self.entity_free_by_lang.setdefault(example.lang, FalsePositives())
            for fp in self.entity_free, lang_fp:
                fp.sentences += 1
                fp.spans += len(predicted)
                for prediction in predicted:
                    fp.by_label[prediction.label] = fp.by_label.get(prediction.label, 0) + 1

    def summary(self) -> dict[str, Any]:
        """A JSON-ready report."""
        return {
            "texts": self.texts,
            "labels": _as_dicts(self.labels),
            "languages": {lang: _as_dicts(counts) for lang, counts in
                          sorted(self.languages.items())},
            "by_source": {f"{label}/{source}": counts.recall_dict() for (label, source), counts
                          in sorted(self.sources.items())},
            "entity_free": self.entity_free.as_dict(),
            "entity_free_by_language": {lang: fp.as_dict() for lang, fp in
                                        sorted(self.entity_free_by_lang.items())},
            "precision_rule": PRECISION_RULE,
            "backends": backends(),
        }


Predict = Callable[[str, str | None, str | None], Sequence[Span]]
_EVAL_SECRET = b"optout-evaluation-only"  # spans do not depend on the key


def evaluate(examples: Iterable[Example], predict: Predict) -> Tally:
    """Score ``predict(text, region, lang)`` on every example."""
    tally = Tally()
    for example in examples:
        lang = None if example.lang == "?" else example.lang
        tally.add(example, predict(example.text, example.region, lang))
    return tally


def span_finder(directory: PeopleDirectory, config: RedactionConfig,
                pseudonymizer: Pseudonymizer | None = None) -> Predict:
    """Exactly the spans a Redactor with ``directory`` and ``config`` replaces in a text
    (``Redactor.find_spans``: the directory's people, names found outside it, the
    structured detectors, overlaps resolved as in a build)."""
    redactor = Redactor(directory, config, pseudonymizer or Pseudonymizer(_EVAL_SECRET))

    def find(text: str, region: str | None, lang: str | None = None) -> list[Span]:
        return redactor.find_spans(text, lang, region)

    return find


def backends(config: RedactionConfig | None = None) -> dict[str, Any]:
    """Which person detectors ``config`` uses here, and which languages have an NER model."""
    from optout.redact import ner

    config = config or RedactionConfig()
    status = ner.ner_status()
    uses_ner = bool(config.ner or (config.ner is None and ner.available()))
    return {"directory": True, "person_names": config.person_names, "ner": uses_ner,
            "ner_languages": {lang: package for lang, package in status["languages"].items()
                              if package}, "spacy_installed": status["spacy"]}


def _counts(groups: dict[str, Counts], label: str) -> Counts:
    return groups.setdefault(label, Counts())


def _as_dicts(groups: dict[str, Counts]) -> dict[str, dict[str, Any]]:
    return {label: counts.as_dict() for label, counts in sorted(groups.items())}


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None
