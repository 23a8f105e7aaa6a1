"""The glue of benchmarks/vs_presidio.py: label mapping, selection, scoring and the report.

Everything but the last test runs without Presidio; the last runs Presidio's regex-only mode
for real where ``make bench-presidio`` installed it (.venv-presidio), and skips otherwise.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import NamedTuple

import pytest

from optout.redact.evaluate import Example
from optout.redact.spans import Span

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "vs_presidio.py"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("vs_presidio", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["vs_presidio"] = module
    spec.loader.exec_module(module)
    return module


vs = _load()


class Result(NamedTuple):
    """Stands for a Presidio RecognizerResult (same attribute names)."""

    entity_type: str
    start: int
    end: int


def test_presidio_types_map_to_optout_labels_and_others_are_dropped() -> None:
    results = [
        Result("EMAIL_ADDRESS", 20, 35),
        Result("PERSON", 0, 8),
        Result("LOCATION", 9, 15),
        Result("US_SSN", 40, 51),
        Result("PL_PESEL", 60, 71),
        Result("US_PASSPORT", 80, 89),
    ]
    assert vs.presidio_spans(results) == [
        Span(0, 8, "person"),
        Span(20, 35, "email"),
        Span(40, 51, "national_id"),
        Span(60, 71, "national_id"),
    ]
    assert vs.any_label_spans(results)[2] == Span(20, 35, "EMAIL_ADDRESS")


def test_every_mapped_label_is_one_optout_scores() -> None:
    assert set(vs.PRESIDIO_LABELS.values()) <= vs.OPTOUT_DETECTS
    assert "handle" not in vs.PRESIDIO_DETECTS


def test_pick_evenly_spreads_over_the_whole_half() -> None:
    items = list(range(100))
    assert vs.pick_evenly(items, 4) == [0, 25, 50, 75]
    assert vs.pick_evenly(items, 0) == items
    assert vs.pick_evenly(items, 500) == items


def test_load_examples_takes_the_test_half_and_the_authors_region(tmp_path: Path) -> None:
    path = tmp_path / "gold.jsonl"
    lines = [
        {
            "id": f"c-000000{i}-001",
            "text": f"Text {i}",
            "lang": "de",
            "spans": [{"start": 0, "end": 4, "label": "PERSON", "source": "nonuser"}],
        }
        for i in range(1, 5)
    ]
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    examples = vs.load_examples(path, "test", 0, {"acct-0000003": "AT"})
    assert [e.text for e in examples] == ["Text 3", "Text 4"]
    assert [e.region for e in examples] == ["AT", None]
    assert examples[0].gold == (Span(0, 4, "person", "nonuser"),)


def test_side_scores_labels_strictly_but_counts_removal_under_any_label() -> None:
    example = Example(
        "Call Anna Berg on 0151 2345678", "de", (Span(5, 14, "person"), Span(18, 30, "phone")), True
    )
    side = vs.Side("presidio_full")
    side.add(example, [Span(5, 14, "person")], [Span(5, 14, "PERSON"), Span(18, 30, "DATE_TIME")])
    summary = side.summary(texts=1)
    assert summary["labels"]["phone"]["recall"] == 0.0
    assert summary["labels"]["person"]["recall"] == 1.0
    assert summary["removed_any_label"]["phone"] == {"gold": 1, "removed": 1, "recall": 1.0}


def test_compare_recall_covers_types_both_detect_with_gold_only() -> None:
    ours = {
        "email": {"gold": 10, "found": 10},
        "phone": {"gold": 5, "found": 4},
        "handle": {"gold": 3, "found": 3},
        "card": {"gold": 2, "found": 2},
    }
    theirs = {
        "email": {"gold": 10, "found": 10},
        "phone": {"gold": 5, "found": 5},
        "card": {"gold": 2, "found": 1},
    }
    assert vs.compare_recall(ours, theirs) == {"card": "higher", "email": "equal", "phone": "lower"}


def test_optout_side_and_report_render_without_presidio(tmp_path: Path) -> None:
    examples = [
        Example("Mail me at anna.berg@example.org", "en", (Span(11, 32, "email"),), True),
        Example("Nothing here at all", "en", (), False),
    ]
    side = vs.run_optout(
        "optout", vs.optout_configs()["optout"], examples, vs.build_directory([]), repeat=1
    )
    summary = side.summary(len(examples))
    assert summary["labels"]["email"] == {
        "gold": 1,
        "found": 1,
        "recall": 1.0,
        "predicted": 1,
        "correct": 1,
        "precision": 1.0,
    }
    assert set(summary["docs_per_cpu_second"]) == {"spans", "redact"}
    report = {
        "files": {"tiny": {"texts": 2, "optout": summary}},
        "optout_recall_vs_presidio_full": {},
    }
    text = vs.render(report)
    assert "| tiny | email | 1 | 100.0 | 100.0 |" in text
    assert "| tiny | 1 | 0.0 (0) |" in text  # one entity-free sentence, no false positive
    assert "anna.berg" not in text


def test_presidio_no_op_runs_end_to_end_where_installed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("presidio_analyzer", reason="Presidio lives in .venv-presidio only")
    pytest.importorskip("presidio_anonymizer", reason="Presidio lives in .venv-presidio only")
    sample = tmp_path / "sample"
    sample.mkdir()
    (sample / "accounts.jsonl").write_text("", encoding="utf-8")
    text = "Write to anna.berg@example.org or pay DE89 3704 0044 0532 0130 00"
    line = {
        "id": "c-0000001-001",
        "text": text,
        "lang": "en",
        "spans": [
            {"start": 9, "end": 30, "label": "EMAIL"},
            {"start": 38, "end": 65, "label": "IBAN"},
        ],
    }
    (sample / "gold.jsonl").write_text(json.dumps(line) + "\n", encoding="utf-8")
    out = tmp_path / "report.json"
    vs.main(
        [
            "--sample",
            str(sample),
            "--eval-dir",
            str(tmp_path / "none"),
            "--half",
            "all",
            "--modes",
            "no_op",
            "--repeat",
            "1",
            "--json",
            str(out),
        ]
    )
    result = json.loads(out.read_text(encoding="utf-8"))["files"]["sample_gold"]
    for side in ("optout", "presidio_no_op"):
        assert result[side]["labels"]["email"]["recall"] == 1.0
        assert result[side]["labels"]["iban"]["recall"] == 1.0
    assert "| sample_gold | iban | 1 |" in capsys.readouterr().out
