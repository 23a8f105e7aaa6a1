"""The HTML report: every count a privacy officer needs, reasons in decision order."""

from __future__ import annotations

from optout.pipeline.report import bars, render_report

MANIFEST = {
    "version": 3, "built_at": "2026-06-02T00:00:00Z", "as_of": "2026-06-01T00:00:00Z",
    "watermark": 7, "rows_in": 10, "rows_out": 4,
    "excluded": {"invalid": 0, "objected": 1, "not_public": 5},
    "redactions": {"person": 2, "email": 1},
    "counts": {"kind": {"post": 4}, "lang": {"de": 3, "unknown": 1}, "country": {"DE": 4}},
    "policy": {"scope": {"regions": ["EEA"], "min_age": 18, "unknown_age": "exclude"},
               "notice": {"required": True, "days": 30},
               "redaction": {"third_party_mentions": "redact"}},
    "policy_sha256": "p" * 64, "rows_hash": "r" * 64, "files": {"a": {}}, "buckets": 1,
    "code_version": "0.1.0",
}  # fmt: skip


def test_report_shows_counts_in_decision_order() -> None:
    html = render_report(MANIFEST)
    assert "version 3" in html and "registry sequence 7" in html
    assert html.index("Objections (confirmed") < html.index("Not public")
    assert "10 = 4 + 6" in html
    for label in ("person", "email", "post", "DE", "unknown"):
        assert f">{label}<" in html


def test_bars_scale_to_the_largest() -> None:
    rows = bars({"a": 1, "b": 4})
    assert [(r["key"], r["width"]) for r in rows] == [("b", 100.0), ("a", 25.0)]
    assert [r["key"] for r in bars({"a": 1, "b": 4}, by_count=False)] == ["a", "b"]


def test_report_has_an_images_section_only_when_the_manifest_counts_images() -> None:
    assert "<h2>Images</h2>" not in render_report(MANIFEST)
    media = {
        "files": 1234, "references": 2000, "processed": 12, "reused": 1222,
        "faces_blurred": 345,
        "dropped": {"objector_tagged": 3, "objector_named": 2, "unreadable": 1, "unplanned": 0},
    }  # fmt: skip
    html = render_report({**MANIFEST, "media": media})
    assert "<h2>Images</h2>" in html
    for shown in ("1,234", "2,000", "1,222", "345", "The row tags an objector"):
        assert shown in html
    assert html.index("The row tags an objector") < html.index("The alt text names an objector")
