"""The HTML report a privacy officer reads: counts and charts, never personal data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from optout.pipeline.manifest import write_atomically

REPORT_NAME = "report.html"
REASON_TEXT = {
    "invalid": "Invalid rows in the export",
    "objected": "Objections (confirmed, account setting, indexable=false, item marked noai)",
    "not_public": "Not public (incl. private messages)",
    "kind_excluded": "Kind not in the policy",
    "after_as_of": "Created after the as-of time",
    "deleted": "Deleted (item or account)",
    "out_of_region": "Author outside the policy's regions",
    "minor": "Author under the minimum age (then or now)",
    "unknown_age": "Author's age unknown",
    "not_notified": "Author not notified long enough before",
    "mentions_objector": "Mentions an objector (policy: drop)",
}
MEDIA_DROP_TEXT = {
    "objector_tagged": "The row tags an objector",
    "objector_named": "The alt text names an objector",
    "unreadable": "The image could not be decoded",
    "unplanned": "No plan for the row (should not happen)",
}

_environment = Environment(
    loader=PackageLoader("optout.pipeline", "templates"),
    autoescape=select_autoescape(["html"]),
)


def bars(
    counts: dict[str, int], labels: dict[str, str] | None = None, *, by_count: bool = True
) -> list[dict[str, Any]]:
    """Rows for a horizontal bar chart: label, count, and width as a share of the largest."""
    top = max(counts.values(), default=0) or 1
    items = list(counts.items())
    if by_count:
        items.sort(key=lambda item: (-item[1], item[0]))
    return [
        {"key": key, "label": (labels or {}).get(key, key), "count": n, "width": 100 * n / top}
        for key, n in items
    ]


def render_report(manifest: dict[str, Any]) -> str:
    template = _environment.get_template("report.html")
    counts = manifest["counts"]
    media = manifest.get("media")
    return template.render(
        media=media,
        media_dropped=bars((media or {}).get("dropped", {}), MEDIA_DROP_TEXT, by_count=False),
        manifest=manifest,
        reasons=bars(manifest["excluded"], REASON_TEXT, by_count=False),
        redactions=bars(manifest["redactions"]),
        kinds=bars(counts["kind"]),
        langs=bars(counts["lang"]),
        countries=bars(counts["country"]),
    )


def write_report(dataset_dir: Path, manifest: dict[str, Any]) -> Path:
    path = dataset_dir / REPORT_NAME
    write_atomically(path, render_report(manifest))
    return path
