"""The dataset manifest (interfaces §4): what went in, what came out, and how to check it."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from optout.pipeline.writer import sha256_file

MANIFEST_NAME = "manifest.json"
FORMAT = "optout-dataset/1"


def input_checksums(export_dir: Path) -> dict[str, dict[str, Any]]:
    """SHA-256 and size of every table file of the export (images: the manifest's ``media``)."""
    inputs: dict[str, dict[str, Any]] = {}
    for path in sorted(export_dir.iterdir()):
        if path.is_file() and path.suffix in {".jsonl", ".parquet"}:
            inputs[path.name] = {"sha256": sha256_file(path), "bytes": path.stat().st_size}
    return inputs


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so readers see the old file or the new one, never half."""
    temporary = path.with_name(f".{path.name}.tmp")
    with temporary.open("w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def write_manifest(dataset_dir: Path, manifest: dict[str, Any]) -> Path:
    path = dataset_dir / MANIFEST_NAME
    write_atomically(path, json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False))
    return path


def read_manifest(dataset_dir: Path) -> dict[str, Any]:
    return json.loads((dataset_dir / MANIFEST_NAME).read_text(encoding="utf-8"))
