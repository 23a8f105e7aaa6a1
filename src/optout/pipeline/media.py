"""The build's image step: strip metadata, blur faces, write content-addressed JPEGs."""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyarrow as pa
from PIL import Image, ImageFilter, ImageOps

from optout.pipeline.steps import StepResult
from optout.pipeline.writer import MEDIA_TYPE

MEDIA_DIR = "media"
MEDIA_ALT_TYPE = pa.list_(pa.string())
JPEG_QUALITY = 85
#: Haar cascade settings tuned on the sample's small (120x160 to 320x240) images.
SCALE_FACTOR = 1.05
MIN_NEIGHBORS = 4
MIN_FACE = 16
#: Images smaller than this (on their short side) are searched at UPSCALE times their size.
UPSCALE_BELOW = 200
UPSCALE = 2
#: How far a blurred area reaches beyond a detected box, as a share of its width/height.
PAD = 0.3
#: Pixelation: a face is reduced to about this many blocks across before it is blurred.
BLOCKS = 3
CASCADES = ("haarcascade_frontalface_default.xml", "haarcascade_frontalface_alt2.xml")
PROFILE_CASCADE = "haarcascade_profileface.xml"

Box = tuple[int, int, int, int]  # x0, y0, x1, y1 (exclusive)


@dataclass(frozen=True)
class ProcessedImage:
    """One image as written into the dataset."""

    path: str  # relative to the dataset directory: media/<sha256>.jpg
    sha256: str
    faces: int


@dataclass
class ProcessMedia:
    """Replace each row's ``media`` by clean, face-blurred copies under ``media_dir``.

    A row that tags an objector in its structured ``mentions`` keeps no images. Every other
    image is decoded, its pixels copied into a fresh image (so no EXIF, GPS, XMP, ICC profile
    or comment survives), every face the Haar cascades find is pixelated and blurred, and
    the JPEG is written as ``media_dir/<sha256>.jpg``. Alt texts are redacted into
    ``media_alt`` (one per kept image) and the keys of people they name join ``person_keys``.
    """

    export_dir: Path
    media_dir: Path
    redactor: Any  # optout.redact.Redactor
    objector_ids: frozenset[str]
    name: str = "process_media"
    _done: dict[str, ProcessedImage | None] = field(default_factory=dict, repr=False)

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_done"] = {}  # a per-process memo of images already written
        return state

    def __call__(self, batch: pa.RecordBatch) -> StepResult:
        counters: Counter[str] = Counter()
        media = batch.column("media").to_pylist()
        mentions = _column(batch, "mentions")
        langs = _column(batch, "name_lang") or _column(batch, "lang")
        regions = _column(batch, "a_country")
        person_keys = _column(batch, "person_keys")
        out_media: list[list[dict[str, str]]] = []
        out_alt: list[list[str | None]] = []
        for row, items in enumerate(media):
            items = items or []
            tagged = mentions[row] if mentions else None
            if any(a in self.objector_ids for a in tagged or ()):
                counters["media_dropped:objector_tagged"] += len(items)
                out_media.append([])
                out_alt.append([])
                continue
            lang = langs[row] if langs else None
            region = regions[row] if regions else None
            kept, alts, keys = self._row(items, lang, region, counters)
            out_media.append(kept)
            out_alt.append(alts)
            if person_keys is not None and keys:
                person_keys[row] = sorted(set(person_keys[row] or ()) | keys)
        batch = _with(batch, "media", pa.array(out_media, MEDIA_TYPE))
        batch = _with(batch, "media_alt", pa.array(out_alt, MEDIA_ALT_TYPE))
        if person_keys is not None:
            batch = _with(batch, "person_keys", pa.array(person_keys, pa.list_(pa.string())))
        return StepResult(batch, counters=counters)

    def _row(
        self, items: list[dict[str, Any]], lang: str | None, region: str | None,
        counters: Counter[str],
    ) -> tuple[list[dict[str, str]], list[str | None], set[str]]:
        kept: list[dict[str, str]] = []
        alts: list[str | None] = []
        keys: set[str] = set()
        for item in items:
            alt = item.get("alt_text")
            redacted = None if alt is None else self.redactor.redact(alt, lang, region)
            if redacted is not None and redacted.mentions_objector:
                counters["media_dropped:objector_named"] += 1
                continue
            image = self.process(item["path"])
            if image is None:
                counters["media_dropped:unreadable"] += 1
                continue
            counters["media:processed"] += 1
            counters["media:faces_blurred"] += image.faces
            kept.append({"path": image.path, "sha256": image.sha256})
            if redacted is not None:
                alts.append(redacted.text)
                keys.update(redacted.person_keys)
                for label, n in redacted.counts.items():
                    counters[f"media_alt_redacted:{label}"] += n
            else:
                alts.append(None)
        return kept, alts, keys

    def process(self, relative: str) -> ProcessedImage | None:
        """Clean one export image and write it (once) into ``media_dir``; None if unreadable."""
        if relative not in self._done:
            self._done[relative] = self._process(self.export_dir / relative)
        return self._done[relative]

    def _process(self, source: Path) -> ProcessedImage | None:
        try:
            data, faces = clean_image(source.read_bytes())
        except (OSError, ValueError, Image.DecompressionBombError):
            return None
        digest = hashlib.sha256(data).hexdigest()
        _write_once(self.media_dir / f"{digest}.jpg", data)
        return ProcessedImage(f"{MEDIA_DIR}/{digest}.jpg", digest, faces)


def process_media_step(
    export_dir: Path, out_dir: Path, redactor: Any, objector_ids: frozenset[str]
) -> ProcessMedia:
    """The build's media step: images of ``export_dir`` go to ``out_dir/media``."""
    media_dir = out_dir / MEDIA_DIR
    media_dir.mkdir(parents=True, exist_ok=True)
    return ProcessMedia(export_dir, media_dir, redactor, objector_ids)


def clean_image(data: bytes) -> tuple[bytes, int]:
    """JPEG bytes of the image's pixels alone, faces blurred; and how many faces were."""
    with Image.open(io.BytesIO(data)) as opened:
        opened.load()
        upright = ImageOps.exif_transpose(opened)  # the orientation tag goes with the EXIF
    mode = "L" if upright.mode in ("1", "L", "I", "I;16", "F") else "RGB"
    pixels = upright.convert(mode)
    fresh = Image.frombytes(mode, pixels.size, pixels.tobytes())  # no info, no metadata
    boxes = detect_faces(fresh)
    for box in boxes:
        blur_box(fresh, box)
    out = io.BytesIO()
    fresh.save(out, "JPEG", quality=JPEG_QUALITY)
    return out.getvalue(), len(boxes)


def detect_faces(image: Image.Image) -> list[Box]:
    """Face boxes found by the frontal and (both-way) profile Haar cascades, enlarged by PAD."""
    import cv2
    import numpy as np

    width, height = image.size
    scale = UPSCALE if min(width, height) < UPSCALE_BELOW else 1
    gray = np.asarray(image.convert("L"))
    if scale > 1:  # small faces in small images fall below the cascades' 24 px window
        gray = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
    gray = cv2.equalizeHist(gray)
    found: set[Box] = set()
    for cascade in _cascades():
        found.update(_detect(cascade, gray))
    profile = _profile_cascade()
    found.update(_detect(profile, gray))
    for x0, y0, x1, y1 in _detect(profile, cv2.flip(gray, 1)):
        found.add((gray.shape[1] - x1, y0, gray.shape[1] - x0, y1))
    boxes = {
        (x0 // scale, y0 // scale, -(-x1 // scale), -(-y1 // scale)) for x0, y0, x1, y1 in found
    }
    return sorted(_pad(box, width, height) for box in boxes)


def blur_box(image: Image.Image, box: Box) -> None:
    """Pixelate then Gaussian-blur ``box`` of ``image`` in place."""
    x0, y0, x1, y1 = box
    width, height = x1 - x0, y1 - y0
    if width < 2 or height < 2:
        return
    region = image.crop(box)
    block = max(2, max(width, height) // BLOCKS)
    small = region.resize(
        (max(1, width // block), max(1, height // block)), Image.Resampling.BOX
    )
    region = small.resize((width, height), Image.Resampling.BILINEAR)
    region = region.filter(ImageFilter.GaussianBlur(max(2.0, max(width, height) / 4)))
    image.paste(region, (x0, y0))


def _detect(cascade: Any, gray: Any) -> list[Box]:
    found = cascade.detectMultiScale(
        gray, scaleFactor=SCALE_FACTOR, minNeighbors=MIN_NEIGHBORS, minSize=(MIN_FACE, MIN_FACE)
    )
    return [(int(x), int(y), int(x + w), int(y + h)) for x, y, w, h in found]


def _pad(box: Box, width: int, height: int) -> Box:
    x0, y0, x1, y1 = box
    dx, dy = round((x1 - x0) * PAD), round((y1 - y0) * PAD)
    return (max(0, x0 - dx), max(0, y0 - dy), min(width, x1 + dx), min(height, y1 + dy))


@lru_cache(maxsize=1)
def _cascades() -> tuple[Any, ...]:
    return tuple(_load(name) for name in CASCADES)


@lru_cache(maxsize=1)
def _profile_cascade() -> Any:
    return _load(PROFILE_CASCADE)


def _load(name: str) -> Any:
    import cv2

    cascade = cv2.CascadeClassifier(os.path.join(cv2.data.haarcascades, name))
    if cascade.empty():
        raise RuntimeError(f"OpenCV has no Haar cascade {name} (opencv-python-headless < 5)")
    return cascade


def _write_once(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` atomically unless it is there (it is named by its hash)."""
    if target.exists() and target.stat().st_size == len(data):
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=".jpg")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _column(batch: pa.RecordBatch, name: str) -> list[Any] | None:
    index = batch.schema.get_field_index(name)
    return None if index < 0 else batch.column(index).to_pylist()


def _with(batch: pa.RecordBatch, name: str, values: pa.Array) -> pa.RecordBatch:
    index = batch.schema.get_field_index(name)
    if index >= 0:
        return batch.set_column(index, name, values)
    return batch.append_column(name, values)

