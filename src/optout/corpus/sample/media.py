"""A bounded pool of small JPEGs: some with EXIF (camera, time, GPS), some with a pasted face."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime
from fractions import Fraction
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

SIZES = ((160, 120), (200, 150), (240, 180), (320, 240), (120, 160), (180, 240))
CAMERAS = (
    ("Canon", "Canon EOS 80D"),
    ("NIKON CORPORATION", "NIKON D7500"),
    ("Apple", "iPhone 13"),
    ("samsung", "SM-G991B"),
    ("Google", "Pixel 7"),
    ("FUJIFILM", "X-T30"),
)
#: Places photos are geotagged near (lat, lon).
PLACES = (
    (52.52, 13.405),
    (48.8566, 2.3522),
    (40.4168, -3.7038),
    (41.9028, 12.4964),
    (52.3676, 4.9041),
    (52.2297, 21.0122),
    (38.7223, -9.1393),
    (59.3293, 18.0686),
    (53.3498, -6.2603),
    (48.2082, 16.3738),
)
#: The face in ``skimage.data.astronaut()`` (rows, columns).
FACE_ROWS, FACE_COLS = (40, 190), (165, 285)

TAG_MAKE, TAG_MODEL, TAG_EXIF_IFD, TAG_GPS_IFD, TAG_DATETIME_ORIGINAL = (
    0x010F,
    0x0110,
    0x8769,
    0x8825,
    0x9003,
)


@dataclass(slots=True)
class MediaFile:
    """One JPEG of the pool and what was planted in it."""

    path: str
    width: int
    height: int
    boxes: list[list[int]] = field(default_factory=list)
    camera: tuple[str, str] | None = None
    gps: tuple[float, float] | None = None


@lru_cache(maxsize=1)
def _face() -> Image.Image:
    from skimage import data

    pixels = data.astronaut()[FACE_ROWS[0] : FACE_ROWS[1], FACE_COLS[0] : FACE_COLS[1]]
    return Image.fromarray(np.ascontiguousarray(pixels))


def _background(rng: random.Random, width: int, height: int) -> Image.Image:
    top = np.array([rng.randint(0, 255) for _ in range(3)], dtype=np.float32)
    bottom = np.array([rng.randint(0, 255) for _ in range(3)], dtype=np.float32)
    ramp = np.linspace(0.0, 1.0, height, dtype=np.float32)[:, None, None]
    pixels = top * (1 - ramp) + bottom * ramp
    pixels = np.broadcast_to(pixels, (height, width, 3)).astype(np.uint8)
    image = Image.fromarray(np.ascontiguousarray(pixels))
    draw = ImageDraw.Draw(image)
    for _ in range(rng.randint(2, 6)):
        x0, y0 = rng.randrange(width), rng.randrange(height)
        x1, y1 = x0 + rng.randint(10, width // 2), y0 + rng.randint(10, height // 2)
        colour = tuple(rng.randint(0, 255) for _ in range(3))
        if rng.random() < 0.5:
            draw.ellipse((x0, y0, x1, y1), fill=colour)
        else:
            draw.rectangle((x0, y0, x1, y1), fill=colour)
    return image


def _overlaps(box: list[int], other: list[int]) -> bool:
    return box[0] < other[2] and other[0] < box[2] and box[1] < other[3] and other[1] < box[3]


def _paste_face(rng: random.Random, image: Image.Image, avoid: list[list[int]]) -> None:
    """Paste the face at a random size and place clear of ``avoid``; record its box there."""
    face = _face()
    scale = rng.uniform(0.3, 0.7) * image.height / face.height
    width = max(12, round(face.width * scale))
    height = max(15, round(face.height * scale))
    for _ in range(10):
        x0 = rng.randint(0, image.width - width)
        y0 = rng.randint(0, image.height - height)
        box = [x0, y0, x0 + width, y0 + height]
        if not any(_overlaps(box, other) for other in avoid):
            image.paste(face.resize((width, height), Image.Resampling.BILINEAR), (x0, y0))
            avoid.append(box)
            return


def _dms(value: float) -> tuple[Fraction, Fraction, Fraction]:
    value = abs(value)
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = round((value - degrees - minutes / 60) * 3600, 2)
    return Fraction(degrees), Fraction(minutes), Fraction(seconds).limit_denominator(100)


def _exif(item: MediaFile, taken_ts: int) -> Image.Exif:
    exif = Image.Exif()
    if item.camera is not None:
        exif[TAG_MAKE], exif[TAG_MODEL] = item.camera
    taken = datetime.fromtimestamp(taken_ts, UTC).strftime("%Y:%m:%d %H:%M:%S")
    exif.get_ifd(TAG_EXIF_IFD)[TAG_DATETIME_ORIGINAL] = taken
    if item.gps is not None:
        lat, lon = item.gps
        gps = exif.get_ifd(TAG_GPS_IFD)
        gps[0] = b"\x02\x02\x00\x00"
        gps[1], gps[2] = ("N" if lat >= 0 else "S"), _dms(lat)
        gps[3], gps[4] = ("E" if lon >= 0 else "W"), _dms(lon)
    return exif


def make_image(rng: random.Random, index: int, out_dir: Path, ref_ts: int) -> MediaFile:
    """Write ``media/img-NNNNN.jpg`` into ``out_dir`` and describe what it holds."""
    width, height = rng.choice(SIZES)
    item = MediaFile(path=f"media/img-{index:05d}.jpg", width=width, height=height)
    image = _background(rng, width, height)
    if rng.random() < 0.4:
        _paste_face(rng, image, item.boxes)
        if rng.random() < 0.2:
            _paste_face(rng, image, item.boxes)
    exif = None
    if rng.random() < 0.5:
        item.camera = rng.choice(CAMERAS)
        if rng.random() < 0.6:
            lat, lon = rng.choice(PLACES)
            item.gps = (
                round(lat + rng.uniform(-0.05, 0.05), 5),
                round(lon + rng.uniform(-0.05, 0.05), 5),
            )
        exif = _exif(item, ref_ts - rng.randint(3_600, 900 * 86_400))
    target = out_dir / item.path
    if exif is None:
        image.save(target, "JPEG", quality=85)
    else:
        image.save(target, "JPEG", quality=85, exif=exif)
    return item


def pool_size(accounts: int) -> int:
    """How many distinct images an export of ``accounts`` accounts gets (at most 300)."""
    return max(24, min(300, accounts // 10))
