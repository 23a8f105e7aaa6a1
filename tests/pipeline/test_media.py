"""The image functions on the sample: metadata stripped, faces blurred, cache, media column."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pytest
from PIL import Image

from optout.corpus.sample import generate_sample
from optout.pipeline import media
from optout.pipeline.media import (
    PLAN_TYPE,
    ApplyMediaPlan,
    clean_image,
    load_cache,
    resolve_image,
    save_cache,
    sweep_media,
)
from optout.pipeline.writer import MEDIA_TYPE


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sample")
    generate_sample(out, accounts=150, seed=2)
    return out


def faces(export: Path) -> dict[str, dict[str, Any]]:
    lines = (export / "faces.jsonl").read_text("utf-8").splitlines()
    return {row["path"]: row for row in map(json.loads, lines)}


def gray(path: Path) -> np.ndarray:
    with Image.open(path) as image:
        return np.asarray(image.convert("L"), dtype=np.float64)


def test_outputs_have_no_metadata_and_every_planted_face_is_blurred(
    export: Path, tmp_path: Path
) -> None:
    planted = faces(export)
    assert [r for r in planted.values() if r["gps"]]  # the sample plants GPS: there to strip
    boxes = 0
    for path, row in planted.items():
        key, entry, processed = resolve_image(export / path, tmp_path, {})
        assert processed and entry is not None and "sha256" in entry
        assert key == hashlib.sha256((export / path).read_bytes()).hexdigest()
        output = tmp_path / f"{entry['sha256']}.jpg"
        data = output.read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]
        assert b"Exif" not in data and b"http://ns.adobe.com/xap" not in data
        assert b"ICC_PROFILE" not in data
        with Image.open(output) as image:
            assert not image.getexif()
            assert not {"exif", "xmp", "icc_profile", "comment"} & set(image.info)
        before, after = gray(export / path), gray(output)
        assert after.shape == before.shape == (row["height"], row["width"])
        for x0, y0, x1, y1 in row["boxes"]:
            boxes += 1
            drop = 1 - after[y0:y1, x0:x1].var() / before[y0:y1, x0:x1].var()
            assert drop >= 0.8, (path, row["boxes"], drop)
        assert entry["faces"] >= len(row["boxes"])
    assert boxes >= 5
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".tmp")]


def test_a_cached_image_is_not_processed_again(export: Path, tmp_path: Path) -> None:
    source = export / next(iter(faces(export)))
    key, entry, processed = resolve_image(source, tmp_path, {})
    assert processed and key is not None and entry is not None
    save_cache(tmp_path, {key: entry})
    cache = load_cache(tmp_path)
    assert cache == {key: entry}
    assert resolve_image(source, tmp_path, cache) == (key, entry, False)

    (tmp_path / f"{entry['sha256']}.jpg").unlink()  # a purge deleted the output
    assert load_cache(tmp_path) == {}


def test_a_new_processing_version_empties_the_cache(
    export: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key, entry, _ = resolve_image(export / next(iter(faces(export))), tmp_path, {})
    assert key is not None and entry is not None
    save_cache(tmp_path, {key: entry})
    monkeypatch.setattr(media, "SCALE_FACTOR", media.SCALE_FACTOR + 0.01)
    assert load_cache(tmp_path) == {}


def test_unreadable_images_are_recorded_not_written(tmp_path: Path) -> None:
    source = tmp_path / "broken.jpg"
    source.write_bytes(b"\xff\xd8 not a jpeg")
    out = tmp_path / "media"
    key, entry, processed = resolve_image(source, out, {})
    assert entry == {"unreadable": True} and processed and key is not None
    assert not out.exists() or not list(out.iterdir())
    with pytest.raises(OSError):
        clean_image(source.read_bytes())


def test_sweep_keeps_referenced_images_and_prunes_the_cache(export: Path, tmp_path: Path) -> None:
    media_dir = tmp_path / "media"
    entries = {}
    for path in list(faces(export))[:3]:
        key, entry, _ = resolve_image(export / path, media_dir, {})
        assert key is not None and entry is not None
        entries[key] = entry
    save_cache(media_dir, entries)
    (media_dir / ".tmp-left.jpg").write_bytes(b"x")
    keep = sorted(entries.values(), key=lambda e: e["sha256"])[0]["sha256"]
    deleted = sweep_media(tmp_path, {f"media/{keep}.jpg"})
    assert deleted == 3
    assert sorted(p.name for p in media_dir.iterdir()) == sorted([f"{keep}.jpg", "cache.json"])
    assert [e["sha256"] for e in load_cache(media_dir).values()] == [keep]


def test_apply_media_plan_keeps_planned_images_and_counts_drops() -> None:
    kept = {"path": "media/a.jpg", "sha256": "a", "dropped": None}
    plans = [
        [kept, {"path": None, "sha256": None, "dropped": "objector_named"}],
        None,  # a row without images
        [{"path": None, "sha256": None, "dropped": "objector_tagged"}],
        None,  # images but no plan: must keep none
    ]
    batch = pa.RecordBatch.from_pydict(
        {
            "media": pa.array(
                [
                    [{"path": "x", "alt_text": None}] * 2,
                    [],
                    [{"path": "y", "alt_text": None}],
                    [{"path": "z", "alt_text": None}],
                ],
            ),
            "media_plan": pa.array(plans, PLAN_TYPE),
            "media_keys": pa.array([["k2"], None, [], None], pa.list_(pa.string())),
            "person_keys": pa.array([["k1"], [], ["k3"], []], pa.list_(pa.string())),
        }
    )
    result = ApplyMediaPlan()(batch)
    assert result.batch.column("media").type == MEDIA_TYPE
    assert result.batch.column("media").to_pylist() == [
        [{"path": "media/a.jpg", "sha256": "a"}],
        [],
        [],
        [],
    ]
    assert result.batch.column("person_keys").to_pylist() == [["k1", "k2"], [], ["k3"], []]
    assert result.counters == {
        "media:kept": 1, "media_dropped:objector_named": 1,
        "media_dropped:objector_tagged": 1, "media_dropped:unplanned": 1,
    }  # fmt: skip
