"""Images end to end through ``optout build``, ``verify`` and ``purge`` on a generated sample.

The sample's images are shared by many rows; here every image reference gets its own copy
(one pixel block changed far from any face, EXIF kept), so that an image belongs to exactly
one row and "this person's image is not on disk" can be checked by its expected output.
A few kept rows also get an alt text that names an objector.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from optout.corpus.sample import generate_sample
from optout.keys import Pseudonymizer
from optout.pipeline.media import CACHE_NAME, clean_image
from tests.conftest import TEST_SECRET
from tests.pipeline.conftest import dataset_rows, invoke

Build = Callable[..., dict[str, Any]]
Import = Callable[[list[dict[str, Any]]], dict[str, Any]]
KEYS = Pseudonymizer(TEST_SECRET.encode())
XMP = b"http://ns.adobe.com/xap"
GPS_IFD = 0x8825


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line]


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")


def objector_ids(export: Path) -> set[str]:
    """Accounts covered by a confirmed objection in the sample (by id or by email)."""
    confirmed = [o for o in read_jsonl(export / "objections.jsonl") if o.get("confirmed_at")]
    ids = {o["account_id"] for o in confirmed if o.get("account_id")}
    emails = {o["email"].strip().casefold() for o in confirmed if o.get("email")}
    for account in read_jsonl(export / "accounts.jsonl"):
        if (account.get("email") or "").strip().casefold() in emails:
            ids.add(account["account_id"])
    return ids


def own_copy(export: Path, source: str, boxes: list[list[int]], serial: int) -> str:
    """A copy of ``source`` with a 3x3 block of unique colour outside every face box."""
    with Image.open(export / source) as image:
        exif = image.info.get("exif")
        pixels = np.array(image.convert("RGB"))
    height, width = pixels.shape[:2]
    corners = [(0, 0), (width - 3, 0), (0, height - 3), (width - 3, height - 3)]
    x, y = next(
        (cx, cy) for cx, cy in corners
        if not any(b[0] - 3 <= cx + 2 and cx <= b[2] + 3 and b[1] - 3 <= cy + 2 and cy <= b[3] + 3
                   for b in boxes)
    )  # fmt: skip
    pixels[y : y + 3, x : x + 3] = tuple(hashlib.sha256(str(serial).encode()).digest()[:3])
    path = f"media/own-{serial:05d}.jpg"
    extra = {"exif": exif} if exif else {}
    Image.fromarray(pixels).save(export / path, "JPEG", quality=95, **extra)
    return path


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The sample with one image copy per reference; who owns which image, and alt-named ones."""
    export = tmp_path_factory.mktemp("media-sample") / "export"
    generate_sample(export, accounts=120, seed=5)
    faces = {row["path"]: row for row in read_jsonl(export / "faces.jsonl")}
    objectors = objector_ids(export)
    handle = next(a["username"] for a in read_jsonl(export / "accounts.jsonl")
                  if a["account_id"] in objectors)  # fmt: skip
    content = read_jsonl(export / "content.jsonl")
    copies: dict[str, dict[str, Any]] = {}  # copy path -> its row, source and faces
    named: set[str] = set()  # copies whose alt text names an objector
    serial = 0
    for row in content:
        for index, item in enumerate(row.get("media") or []):
            serial += 1
            boxes = faces[item["path"]]["boxes"]
            copy = own_copy(export, item["path"], boxes, serial)
            copies[copy] = {
                "row": row["content_id"],
                "author": row["account_id"],
                "index": index,
                "boxes": boxes,
                "tags": row.get("mentions") or [],
            }
            item["path"] = copy
            if row["account_id"] not in objectors and serial % 7 == 0:
                item["alt_text"] = f"Mit @{handle} am See"
                named.add(copy)
    write_jsonl(export / "content.jsonl", content)
    return {"export": export, "copies": copies, "objectors": objectors, "named": named}


def expected_output(export: Path, copy: str) -> str:
    """Where ``copy`` would be in the dataset if it were processed."""
    cleaned, _ = clean_image((export / copy).read_bytes())
    return f"media/{hashlib.sha256(cleaned).hexdigest()}.jpg"


def gray(path: Path) -> np.ndarray:
    with Image.open(path) as image:
        return np.asarray(image.convert("L"), dtype=np.float64)


def built(sample: dict[str, Any], build: Build, out: Path) -> dict[str, Any]:
    export = sample["export"]
    assert invoke("notices", "import", str(export / "notices.jsonl"))[0] == 0
    assert invoke("objections", "import", str(export / "objections.jsonl"))[0] == 0
    return build(export, out, extra=("--workers", "2"))


def in_dataset(sample: dict[str, Any], out: Path) -> dict[str, dict[str, Any]]:
    """Copies whose row is in the dataset -> that row (rows keyed by content_key)."""
    rows = {row["content_key"]: row for row in dataset_rows(out)}
    return {
        copy: rows[KEYS.content(info["row"])]
        for copy, info in sample["copies"].items()
        if KEYS.content(info["row"]) in rows
    }


def test_images_reach_the_dataset_clean_blurred_and_only_when_allowed(
    sample: dict[str, Any], build: Build, tmp_path: Path
) -> None:
    export, copies = sample["export"], sample["copies"]
    out = tmp_path / "dataset"
    built(sample, build, out)
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    media = manifest["media"]
    files = sorted((out / "media").glob("*.jpg"))
    assert files and media["files"] == len(files) and media["processed"] == len(files)

    # no EXIF, XMP or GPS anywhere under DIR/media (the sources have them)
    assert any(b"Exif" in (export / c).read_bytes() for c in copies)
    for path in files:
        data = path.read_bytes()
        assert b"Exif" not in data and XMP not in data and b"ICC_PROFILE" not in data
        with Image.open(path) as image:
            exif = image.getexif()
            assert not exif and not exif.get_ifd(GPS_IFD)
            assert not {"exif", "xmp", "icc_profile", "comment"} & set(image.info)

    # every face box of every image that reached the dataset is blurred
    kept = in_dataset(sample, out)
    boxes = 0
    for copy, row in kept.items():
        info = copies[copy]
        alts_dropped = sum(
            c in sample["named"] for c, i in copies.items() if i["row"] == info["row"]
        )
        if copy in sample["named"] or alts_dropped:
            continue  # the row lost an image: its items no longer line up
        target = out / row["media"][info["index"]]["path"]
        before, after = gray(export / copy), gray(target)
        assert before.shape == after.shape
        for x0, y0, x1, y1 in info["boxes"]:
            boxes += 1
            drop = 1 - after[y0:y1, x0:x1].var() / before[y0:y1, x0:x1].var()
            assert drop >= 0.8, (copy, info["boxes"], drop)
    assert boxes >= 5 and media["faces_blurred"] >= boxes

    # objectors' images, images of rows tagging an objector and alt-named images are absent,
    # and were never even read (the cache lists every image the build resolved)
    cache = json.loads((out / "media" / CACHE_NAME).read_text("utf-8"))["entries"]
    objectors = sample["objectors"]
    absent = [
        c
        for c, i in copies.items()
        if i["author"] in objectors or objectors & set(i["tags"]) or c in sample["named"]
    ]
    assert len(absent) >= 10
    for copy in absent:
        assert not (out / expected_output(export, copy)).exists(), copy
        assert hashlib.sha256((export / copy).read_bytes()).hexdigest() not in cache, copy
    assert any(c in kept for c in sample["named"]), "no kept row had an alt text naming one"
    for copy in sample["named"]:
        if copy in kept:
            assert len(kept[copy]["media"]) < sum(
                i["row"] == copies[copy]["row"] for i in copies.values()
            )
    assert media["dropped"]["objector_named"] >= 1 and media["dropped"]["unplanned"] == 0

    code, report = invoke("verify", str(out), "--full")
    assert code == 0, report
    assert report["media_files"] == len(files)

    # a rebuild reprocesses nothing and leaves the same files
    again = build(export, out, extra=("--workers", "2"))
    assert again["rows_hash"] == manifest["rows_hash"]
    media_again = json.loads((out / "manifest.json").read_text("utf-8"))["media"]
    assert media_again["processed"] == 0 and media_again["reused"] == media["images_read"]
    assert sorted((out / "media").glob("*.jpg")) == files


def test_purge_deletes_the_objectors_images_and_verify_checks_media(
    sample: dict[str, Any], build: Build, import_objections: Import, tmp_path: Path
) -> None:
    out = tmp_path / "dataset"
    built(sample, build, out)
    kept = in_dataset(sample, out)
    by_author: dict[str, list[str]] = {}
    for copy in kept:
        if kept[copy]["media"]:
            by_author.setdefault(sample["copies"][copy]["author"], []).append(copy)
    author, theirs = max(by_author.items(), key=lambda item: len(item[1]))
    paths = sorted({out / m["path"] for c in theirs for m in kept[c]["media"]})
    assert paths and all(p.is_file() for p in paths)

    # tampering and orphans are found; a stray file stays reported until a purge or build
    stray = out / "media" / f"{'0' * 64}.jpg"
    stray.write_bytes(b"left by a killed build")
    victim = sorted(set((out / "media").glob("*.jpg")) - set(paths) - {stray})[0]
    original = victim.read_bytes()
    victim.write_bytes(original + b"\0")
    code, report = invoke("verify", str(out))
    assert code == 1
    assert report["checks"]["media_unreferenced"] == 1
    assert report["checks"]["media_checksum_mismatch"] == 1
    victim.write_bytes(original)

    import_objections([{"account_id": author, "submitted_at": "2026-05-30T00:00:00Z",
                        "confirmed_at": "2026-05-30T00:00:00Z"}])  # fmt: skip
    code, result = invoke("purge", str(out))
    assert code == 0, result
    assert result["rows_removed"] >= len(theirs) and result["media_deleted"] >= len(paths) + 1
    assert not any(p.exists() for p in paths) and not stray.exists()
    cache = json.loads((out / "media" / CACHE_NAME).read_text("utf-8"))["entries"]
    assert not {p.stem for p in paths} & {e.get("sha256") for e in cache.values()}
    code, report = invoke("verify", str(out), "--full")
    assert code == 0, report


def test_a_build_that_dies_leaves_the_previous_images_and_orphans_the_next_build_removes(
    sample: dict[str, Any], build: Build, tmp_path: Path
) -> None:
    out = tmp_path / "dataset"
    built(sample, build, out)
    before = sorted((out / "media").glob("*.jpg"))
    manifest = (out / "manifest.json").read_text("utf-8")

    broken = tmp_path / "broken"
    shutil.copytree(sample["export"], broken)
    content = read_jsonl(broken / "content.jsonl")
    kept_copy = next(c for c, row in in_dataset(sample, out).items() if row["media"])
    model = next(r for r in content if r["content_id"] == sample["copies"][kept_copy]["row"])
    new_image = own_copy(broken, kept_copy, sample["copies"][kept_copy]["boxes"], 99_999)
    extra = {**model, "content_id": "c-new-with-image",
             "media": [{"path": new_image, "alt_text": None}]}  # fmt: skip
    invalid = {**model, "content_id": "c-new-invalid", "kind": "telepathy"}
    write_jsonl(broken / "content.jsonl", [*content, extra, invalid])
    build(broken, out, extra=("--workers", "2"), expect=2)

    orphan = out / expected_output(broken, new_image)
    assert orphan.is_file()  # written before the commit that never came
    assert (out / "manifest.json").read_text("utf-8") == manifest
    assert all(path.is_file() for path in before)
    code, report = invoke("verify", str(out))
    assert code == 1 and report["checks"] == {"media_unreferenced": 1}, report

    built(sample, build, out)
    assert not orphan.exists()
    assert sorted((out / "media").glob("*.jpg")) == before
    code, report = invoke("verify", str(out), "--full")
    assert code == 0, report
