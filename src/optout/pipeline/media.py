"""The build's images: strip metadata, blur faces, write content-addressed JPEGs once.

Images are resolved in the build's main process, batch by batch, before the batch goes to a
worker: ``MediaPlanner`` finds the images of the rows the build selected (those the policy
keeps) that tag no objector and whose alt text names none, processes the ones it has not
seen in a process pool (or takes them from the cache under ``DIR/media/``), and attaches the
outcome to the batch as a ``media_plan`` column. The worker step ``ApplyMediaPlan`` turns
that into the dataset's ``media`` column. So each image is processed at most once per build,
in parallel, and an image only excluded or dropped rows use is never decoded, let alone
written.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import os
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from PIL import Image, ImageFilter, ImageOps

from optout.pipeline.engine import worker_pool
from optout.pipeline.steps import StepResult
from optout.pipeline.writer import MEDIA_TYPE, sha256_file

MEDIA_DIR = "media"
CACHE_NAME = "cache.json"
JPEG_QUALITY = 85
#: Haar cascade settings, tuned on the sample's small (120x160 to 320x240) images.
SCALE_FACTOR = 1.15
#: The profile cascade's scale step (0 leaves profiles out).
PROFILE_SCALE_FACTOR = 1.3
#: Profiles are searched only from this size up (in the searched image): small windows cost most.
PROFILE_MIN_FACE = 32
MIN_NEIGHBORS = 4
MIN_FACE = 16
#: Local contrast (CLAHE) before the search: clip limit and tiles per side.
CLAHE_CLIP = 2.0
CLAHE_TILES = 8
#: Big images are searched at this long side at most.
MAX_DETECT_SIDE = 1024
#: Images smaller than this (on their short side) are searched at UPSCALE times their size.
UPSCALE_BELOW = 200
UPSCALE = 1.5
#: How far a blurred area reaches beyond a detected box, as a share of its width/height.
PAD = 0.3
#: Pixelation: a face is reduced to about this many blocks across before it is blurred.
BLOCKS = 3
CASCADES = ("haarcascade_frontalface_alt2.xml",)
PROFILE_CASCADE = "haarcascade_profileface.xml"
#: How many alt texts the planner remembers who they name (then it starts afresh).
ALT_TEXT_MEMO = 100_000
#: Bump when the processing changes in a way the settings above do not show.
ALGORITHM = 2

PLAN_TYPE = pa.list_(
    pa.struct([("path", pa.string()), ("sha256", pa.string()), ("dropped", pa.string())])
)
KEYS_TYPE = pa.list_(pa.string())
OBJECTOR_TAGGED, OBJECTOR_NAMED, UNREADABLE = "objector_tagged", "objector_named", "unreadable"
DROP_REASONS = (OBJECTOR_TAGGED, OBJECTOR_NAMED, UNREADABLE)

Box = tuple[int, int, int, int]  # x0, y0, x1, y1 (exclusive)


@dataclass(frozen=True)
class ProcessedImage:
    """One image as written into the dataset."""

    path: str  # relative to the dataset directory: media/<sha256>.jpg
    sha256: str
    faces: int


def processing_version() -> str:
    """A fingerprint of everything that decides a processed image's bytes."""
    import PIL

    cv2 = _opencv()
    settings = (
        ALGORITHM, JPEG_QUALITY, SCALE_FACTOR, PROFILE_SCALE_FACTOR, MIN_NEIGHBORS, MIN_FACE,
        PROFILE_MIN_FACE, CLAHE_CLIP, CLAHE_TILES, MAX_DETECT_SIDE, UPSCALE_BELOW, UPSCALE, PAD,
        BLOCKS, CASCADES, PROFILE_CASCADE, cv2.__version__, PIL.__version__,
    )  # fmt: skip
    return hashlib.sha256(repr(settings).encode()).hexdigest()[:16]


def media_path(sha256: str) -> str:
    """Where the processed image with this SHA-256 lives, relative to the dataset."""
    return f"{MEDIA_DIR}/{sha256}.jpg"


# --- the cache: input SHA-256 -> processed image, per processing version -----------------


def load_cache(media_dir: Path) -> dict[str, dict[str, Any]]:
    """Entries of this processing version whose output is still on disk (unreadable too)."""
    path = media_dir / CACHE_NAME
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(stored, dict) or stored.get("version") != processing_version():
        return {}
    entries = stored.get("entries")
    if not isinstance(entries, dict):
        return {}
    return {
        key: entry for key, entry in entries.items()
        if isinstance(entry, dict) and _entry_usable(media_dir, entry)
    }  # fmt: skip


def save_cache(media_dir: Path, entries: dict[str, dict[str, Any]]) -> None:
    """Replace the cache with ``entries`` (atomically)."""
    media_dir.mkdir(parents=True, exist_ok=True)
    text = json.dumps(
        {"version": processing_version(), "entries": dict(sorted(entries.items()))},
        sort_keys=True,
    )
    _write_atomically(media_dir / CACHE_NAME, text.encode())


def _entry_usable(media_dir: Path, entry: dict[str, Any]) -> bool:
    if entry.get("unreadable"):
        return True
    sha = entry.get("sha256")
    return isinstance(sha, str) and (media_dir / f"{sha}.jpg").is_file()


def _entry_image(entry: dict[str, Any]) -> ProcessedImage | None:
    if entry.get("unreadable"):
        return None
    return ProcessedImage(media_path(entry["sha256"]), entry["sha256"], int(entry["faces"]))


# --- one image, in a pool process or inline ------------------------------------------------

_pool_cache: dict[str, dict[str, Any]] = {}
_pool_media_dir: Path | None = None


def _init_pool(cache: dict[str, dict[str, Any]], media_dir: Path) -> None:
    global _pool_cache, _pool_media_dir
    _pool_cache, _pool_media_dir = cache, media_dir


def _resolve_in_pool(source: Path) -> tuple[str | None, dict[str, Any] | None, bool]:
    assert _pool_media_dir is not None
    return resolve_image(source, _pool_media_dir, _pool_cache)


def resolve_image(
    source: Path, media_dir: Path, cache: dict[str, dict[str, Any]]
) -> tuple[str | None, dict[str, Any] | None, bool]:
    """(input SHA-256, cache entry, whether it was processed now) for one export image.

    An image already in ``cache`` is not decoded again; a file that cannot be read gives
    ``(None, None, False)``.
    """
    try:
        data = source.read_bytes()
    except OSError:
        return None, None, False
    key = hashlib.sha256(data).hexdigest()
    if key in cache:
        return key, cache[key], False
    try:
        cleaned, faces = clean_image(data)
    except (OSError, ValueError, Image.DecompressionBombError):
        return key, {"unreadable": True}, True
    digest = hashlib.sha256(cleaned).hexdigest()
    _write_once(media_dir / f"{digest}.jpg", cleaned)
    return key, {"sha256": digest, "faces": faces}, True


# --- the build's main process: which images, processed once ---------------------------------


@dataclass
class MediaPlanner:
    """Resolves the images of the rows a build selected, and attaches them to each batch.

    Batches hold only rows that will reach the dataset, with their authors' facts (the
    build's selection steps ran on them), so no other image is processed; rows that tag an
    objector and images whose alt text names one are planned as dropped and not read.
    A handful of new images is processed inline; more go to a pool of ``workers`` processes.
    """

    export_dir: Path
    out_dir: Path
    redactor: Any  # optout.redact.Redactor: finds who alt texts name
    objector_ids: frozenset[str]
    workers: int = 0
    counters: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0  # wall time spent planning, images included
    image_seconds: float = 0.0  # wall time spent reading, hashing and processing images
    _images: dict[str, ProcessedImage | None] = field(default_factory=dict)
    _cache: dict[str, dict[str, Any]] = field(default_factory=dict)
    _used: dict[str, dict[str, Any]] = field(default_factory=dict)
    _named: dict[str, tuple[frozenset[str], bool]] = field(default_factory=dict)
    _pool: ProcessPoolExecutor | None = None

    def __post_init__(self) -> None:
        self.media_dir = self.out_dir / MEDIA_DIR
        self._cache = load_cache(self.media_dir)

    def annotate(self, batches: Iterable[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        """Each batch of selected rows with ``media_plan`` and ``media_keys`` attached (when
        it has images)."""
        try:
            for batch in batches:
                yield self.plan(batch)
        finally:
            self.close()

    def plan(self, batch: pa.RecordBatch) -> pa.RecordBatch:
        """``batch`` (selected rows) with the plan of every image of its rows."""
        lengths = pc.fill_null(pc.list_value_length(batch.column("media")), 0)
        rows = np.flatnonzero(lengths.to_numpy(zero_copy_only=False) > 0)
        if len(rows) == 0:
            return batch
        started = time.perf_counter()
        try:
            return self._plan(batch, rows)
        finally:
            self.seconds += time.perf_counter() - started

    def _plan(self, batch: pa.RecordBatch, rows: np.ndarray) -> pa.RecordBatch:
        plans: list[list[dict[str, Any]] | None] = [None] * batch.num_rows
        keys: list[list[str] | None] = [None] * batch.num_rows
        with_media = batch.take(pa.array(rows))
        items = with_media.column("media").to_pylist()
        mentions = with_media.column("mentions").to_pylist()
        wanted: dict[int, list[tuple[int, str]]] = {}
        for i, row in enumerate(rows.tolist()):
            plans[row], keys[row], need = self._row_plan(items[i], mentions[i])
            wanted[row] = need
        self._resolve({path for need in wanted.values() for _, path in need})
        for row, need in wanted.items():
            plan = plans[row]
            assert plan is not None
            for index, path in need:
                image = self._images.get(path)
                plan[index] = (
                    {"path": image.path, "sha256": image.sha256, "dropped": None}
                    if image is not None
                    else {"path": None, "sha256": None, "dropped": UNREADABLE}
                )
        batch = _with(batch, "media_plan", pa.array(plans, PLAN_TYPE))
        return _with(batch, "media_keys", pa.array(keys, KEYS_TYPE))

    def _row_plan(
        self, items: list[dict[str, Any]], tagged: list[str] | None
    ) -> tuple[list[dict[str, Any]], list[str], list[tuple[int, str]]]:
        """A row's plan (dropped items filled in), the keys its alt texts name, what to read."""
        dropped = {"path": None, "sha256": None, "dropped": OBJECTOR_TAGGED}
        if any(a in self.objector_ids for a in tagged or ()):
            return [dict(dropped) for _ in items], [], []
        plan: list[dict[str, Any]] = []
        keys: set[str] = set()
        need: list[tuple[int, str]] = []
        for index, item in enumerate(items):
            named, objector = self._people_named(item.get("alt_text"))
            if objector:
                plan.append({"path": None, "sha256": None, "dropped": OBJECTOR_NAMED})
                continue
            keys.update(named)
            plan.append({})
            need.append((index, item["path"]))
        return plan, sorted(keys), need

    def _people_named(self, text: str | None) -> tuple[frozenset[str], bool]:
        """``people_named`` for one alt text, remembered (alt texts repeat a lot)."""
        if not text:
            return frozenset(), False
        found = self._named.get(text)
        if found is None:
            if len(self._named) >= ALT_TEXT_MEMO:
                self._named.clear()
            keys, objector = people_named(self.redactor, text)
            found = self._named[text] = (frozenset(keys), objector)
        return found

    def _resolve(self, paths: set[str]) -> None:
        """Process (or find in the cache) every image of ``paths`` not resolved yet."""
        new = sorted(paths - self._images.keys())
        if not new:
            return
        started = time.perf_counter()
        results = dict(zip(new, map(self._cached, new), strict=True))
        missing = [path for path, found in results.items() if found is None]
        sources = [self.export_dir / path for path in missing]
        if len(missing) < 2 * self.workers or self.workers <= 1:
            _init_pool(self._cache, self.media_dir)
            done = [_resolve_in_pool(source) for source in sources]
        else:
            done = list(self._executor().map(_resolve_in_pool, sources, chunksize=4))
        results.update(zip(missing, done, strict=True))
        for path in new:
            key, entry, processed = results[path]
            image = None if entry is None else _entry_image(entry)
            self._images[path] = image
            if key is not None and entry is not None:
                self._used[key] = entry
            self.counters["media:images"] += 1
            if image is None:
                self.counters["media:unreadable"] += 1
            else:
                self.counters["media:processed" if processed else "media:reused"] += 1
                self.counters["media:faces_blurred"] += image.faces
        self.image_seconds += time.perf_counter() - started

    def _cached(self, path: str) -> tuple[str | None, dict[str, Any] | None, bool] | None:
        """The cache's answer for one export image (hashed here, cheap), or None to process."""
        try:
            key = sha256_file(self.export_dir / path)
        except OSError:
            return None  # reported by the process that tries to read it
        entry = self._cache.get(key)
        return None if entry is None else (key, entry, False)

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self.media_dir.mkdir(parents=True, exist_ok=True)
            self._pool = worker_pool(self.workers, _init_pool, (self._cache, self.media_dir))
        return self._pool

    def close(self) -> None:
        """Stop the pool (idempotent)."""
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None

    def used_entries(self) -> dict[str, dict[str, Any]]:
        """The cache entries of every image this build used (for ``save_cache``)."""
        return dict(self._used)


def people_named(redactor: Any, text: str | None) -> tuple[set[str], bool]:
    """Keys of the people in the build's directory that ``text`` names, and whether one of
    them objects (an account or a non-user objector's name or handle).

    Only the directory is searched: the structured-PII and name-gazetteer detectors cannot
    tell an objector and cost ten times as much (27,519 alt texts: 0.4 s against 4.3 s).
    """
    if not text:
        return set(), False
    people = redactor.directory_people(text)
    keys = {key for _, _, person in people for key in person.keys}
    return keys, any(person.objector for _, _, person in people)


# --- the worker step ------------------------------------------------------------------------


@dataclass(frozen=True)
class ApplyMediaPlan:
    """Replace ``media`` by the processed images the planner attached (interfaces §4).

    Kept items become ``{path, sha256}``; dropped ones are counted by reason; the keys of
    people that alt texts name join ``person_keys``. A row with images but no plan (one the
    planner never saw) keeps no images.
    """

    name: str = "process_media"

    def __call__(self, batch: pa.RecordBatch) -> StepResult:
        counters: Counter[str] = Counter()
        lengths = pc.fill_null(pc.list_value_length(batch.column("media")), 0)
        if batch.schema.get_field_index("media_plan") < 0:
            counters["media_dropped:unplanned"] += int(pc.sum(lengths).as_py() or 0)
            return StepResult(
                _with(batch, "media", _empty_media(batch.num_rows)), counters=counters
            )
        plan = batch.column("media_plan")
        unplanned = pc.and_(pc.is_null(plan), pc.greater(lengths, 0))
        counters["media_dropped:unplanned"] += int(
            pc.sum(pc.filter(lengths, unplanned)).as_py() or 0
        )
        media, dropped = _kept_media(plan, batch.num_rows)
        counters["media:kept"] += len(media.values)
        for reason, n in dropped.items():
            counters[f"media_dropped:{reason}"] += n
        batch = _with(batch, "media", media)
        batch = _merge_keys(batch, batch.column("media_keys"))
        return StepResult(batch, counters=+counters)


def _kept_media(plan: pa.Array, rows: int) -> tuple[pa.ListArray, Counter[str]]:
    """The ``media`` column (kept items of each plan) and the dropped items by reason."""
    plan = plan.combine_chunks() if isinstance(plan, pa.ChunkedArray) else plan
    flat = pc.list_flatten(plan)
    parents = pc.list_parent_indices(plan).to_numpy(zero_copy_only=False)
    reasons = pc.struct_field(flat, "dropped")
    keep = pc.is_null(reasons).to_numpy(zero_copy_only=False)
    dropped = Counter(
        {
            item["values"]: item["counts"]
            for item in pc.value_counts(reasons.drop_null()).to_pylist()
        }
    )
    counts = np.bincount(parents[keep], minlength=rows)
    offsets = pa.array(np.concatenate([[0], np.cumsum(counts)]).astype(np.int32))
    mask = pa.array(keep)
    values = pa.StructArray.from_arrays(
        [pc.struct_field(flat, "path").filter(mask), pc.struct_field(flat, "sha256").filter(mask)],
        names=["path", "sha256"],
    )
    return pa.ListArray.from_arrays(offsets, values, type=MEDIA_TYPE), dropped


def _merge_keys(batch: pa.RecordBatch, media_keys: pa.Array) -> pa.RecordBatch:
    """Add the keys alt texts named to ``person_keys`` (only rows that have some)."""
    lengths = pc.fill_null(pc.list_value_length(media_keys), 0).to_numpy(zero_copy_only=False)
    rows = np.flatnonzero(lengths > 0)
    if len(rows) == 0 or batch.schema.get_field_index("person_keys") < 0:
        return batch
    person_keys = batch.column("person_keys").to_pylist()
    extra = media_keys.take(pa.array(rows)).to_pylist()
    for row, keys in zip(rows, extra, strict=True):
        person_keys[row] = sorted(set(person_keys[row] or ()) | set(keys))
    return _with(batch, "person_keys", pa.array(person_keys, pa.list_(pa.string())))


def _empty_media(rows: int) -> pa.Array:
    return pa.ListArray.from_arrays(
        pa.array(np.zeros(rows + 1, dtype=np.int32)),
        pa.array([], MEDIA_TYPE.value_type),
        type=MEDIA_TYPE,
    )


# --- pixels ---------------------------------------------------------------------------------


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
    """Face boxes found by the frontal and (both-way) profile Haar cascades, enlarged by PAD.

    The search runs on a greyscale copy scaled so that its long side is at most
    ``MAX_DETECT_SIDE`` (big photos: faces under about 1/40 of the width are missed) and
    small images are searched at ``UPSCALE`` times their size (the cascades' smallest window
    is 20-24 px).
    """
    cv2 = _opencv()
    width, height = image.size
    scale = detection_scale(width, height)
    gray = np.asarray(image.convert("L"))
    if scale != 1:
        size = (max(1, round(width * scale)), max(1, round(height * scale)))
        method = cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC
        gray = cv2.resize(gray, size, interpolation=method)
    gray = _contrast().apply(gray)  # local: a global equalisation can wash a face out
    found: set[Box] = set()
    for cascade in _cascades():
        found.update(_detect(cascade, gray, SCALE_FACTOR))
    if PROFILE_SCALE_FACTOR:
        profile = _profile_cascade()
        found.update(_detect(profile, gray, PROFILE_SCALE_FACTOR, PROFILE_MIN_FACE))
        mirrored_width = gray.shape[1]
        for x0, y0, x1, y1 in _detect(
            profile, cv2.flip(gray, 1), PROFILE_SCALE_FACTOR, PROFILE_MIN_FACE
        ):
            found.add((mirrored_width - x1, y0, mirrored_width - x0, y1))
    boxes = {
        (math.floor(x0 / scale), math.floor(y0 / scale), math.ceil(x1 / scale),
         math.ceil(y1 / scale))
        for x0, y0, x1, y1 in found
    }  # fmt: skip
    return sorted(_pad(box, width, height) for box in boxes)


def detection_scale(width: int, height: int) -> float:
    """How much an image is scaled before the cascades search it."""
    if max(width, height) > MAX_DETECT_SIDE:
        return MAX_DETECT_SIDE / max(width, height)
    if min(width, height) < UPSCALE_BELOW:
        return UPSCALE
    return 1.0


def blur_box(image: Image.Image, box: Box) -> None:
    """Pixelate then Gaussian-blur ``box`` of ``image`` in place."""
    x0, y0, x1, y1 = box
    width, height = x1 - x0, y1 - y0
    if width < 2 or height < 2:
        return
    region = image.crop(box)
    block = max(2, max(width, height) // BLOCKS)
    small = region.resize((max(1, width // block), max(1, height // block)), Image.Resampling.BOX)
    region = small.resize((width, height), Image.Resampling.BILINEAR)
    region = region.filter(ImageFilter.GaussianBlur(max(2.0, max(width, height) / 4)))
    image.paste(region, (x0, y0))


def _detect(cascade: Any, gray: Any, scale_factor: float, min_face: int = MIN_FACE) -> list[Box]:
    found = cascade.detectMultiScale(
        gray, scaleFactor=scale_factor, minNeighbors=MIN_NEIGHBORS, minSize=(min_face, min_face)
    )
    return [(int(x), int(y), int(x + w), int(y + h)) for x, y, w, h in found]


def _pad(box: Box, width: int, height: int) -> Box:
    x0, y0, x1, y1 = box
    dx, dy = round((x1 - x0) * PAD), round((y1 - y0) * PAD)
    return (max(0, x0 - dx), max(0, y0 - dy), min(width, x1 + dx), min(height, y1 + dy))


@lru_cache(maxsize=1)
def _opencv() -> Any:
    """OpenCV, on one thread: one image per process (a pool of them uses every core), and no
    process ever holds an OpenCV thread pool, so worker processes can be forked safely."""
    import cv2

    cv2.setNumThreads(1)
    return cv2


@lru_cache(maxsize=1)
def _contrast() -> Any:
    return _opencv().createCLAHE(clipLimit=CLAHE_CLIP, tileGridSize=(CLAHE_TILES, CLAHE_TILES))


@lru_cache(maxsize=1)
def _cascades() -> tuple[Any, ...]:
    return tuple(_load(name) for name in CASCADES)


@lru_cache(maxsize=1)
def _profile_cascade() -> Any:
    return _load(PROFILE_CASCADE)


def _load(name: str) -> Any:
    cv2 = _opencv()
    cascade = cv2.CascadeClassifier(os.path.join(cv2.data.haarcascades, name))
    if cascade.empty():
        raise RuntimeError(f"OpenCV has no Haar cascade {name} (opencv-python-headless < 5)")
    return cascade


def _write_once(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` atomically unless it is there (it is named by its hash)."""
    if target.exists() and target.stat().st_size == len(data):
        return
    _write_atomically(target, data)


def _write_atomically(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=target.suffix)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def referenced_media(tables: Iterable[pa.Table]) -> set[str]:
    """Every media path the ``media`` columns of ``tables`` name."""
    found: set[str] = set()
    for table in tables:
        flat = pc.list_flatten(table.column("media"))
        if len(flat):
            found.update(p for p in pc.unique(pc.struct_field(flat, "path")).to_pylist() if p)
    return found


def sweep_media(dataset_dir: Path, referenced: set[str]) -> int:
    """Delete every file under ``DIR/media/`` the dataset does not reference; prune the cache.

    Run after a commit: images of the current version stay, everything else — images only
    older versions or purged rows used, files a killed build left — goes.
    """
    media_dir = dataset_dir / MEDIA_DIR
    if not media_dir.is_dir():
        return 0
    deleted = 0
    for path in sorted(media_dir.iterdir()):
        relative = f"{MEDIA_DIR}/{path.name}"
        if path.name == CACHE_NAME or relative in referenced or not path.is_file():
            continue
        path.unlink()
        deleted += 1
    cache = load_cache(media_dir)  # drops entries whose output is gone
    if (media_dir / CACHE_NAME).is_file():
        save_cache(media_dir, cache)
    return deleted


def _with(batch: pa.RecordBatch, name: str, values: pa.Array) -> pa.RecordBatch:
    index = batch.schema.get_field_index(name)
    if index >= 0:
        return batch.set_column(index, name, values)
    return batch.append_column(name, values)
