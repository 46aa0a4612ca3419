"""The reference every hasher must match: `pdqhash` (C++ core) on Pillow-decoded RGB pixels, and,
for 16-bit grey, what stock python-threatexchange computes for the same file."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pdqhash
from PIL import Image, ImageOps
from threatexchange.signal_type.pdq.pdq_hasher import pdq_from_bytes

GREY16 = ("I;16", "I;16B", "I;16L", "I")


def pdq_of_rgb(rgb: np.ndarray) -> tuple[str, int]:
    bits, quality = pdqhash.compute(np.ascontiguousarray(rgb, dtype=np.uint8))
    return np.packbits(bits.astype(np.uint8)).tobytes().hex(), int(quality)


def rgb_pixels(img: Image.Image) -> np.ndarray:
    """Pillow's first frame as RGB: alpha is dropped (the colour under transparent pixels is kept),
    palettes are expanded, grey is replicated to R=G=B, no ICC conversion, 16-bit samples keep
    their high byte. One exception: a GIF's transparent index has no colour, and browsers decode
    it as black, so it counts as black.
    """
    if img.mode in GREY16:
        # 16-bit grey: browsers keep the high byte (Pillow's convert would clip at 255).
        grey = (np.asarray(img, dtype=np.uint32) >> 8).clip(0, 255).astype(np.uint8)
        return np.ascontiguousarray(np.dstack([grey, grey, grey]))
    if img.format == "GIF" and "transparency" in img.info:
        rgba = np.array(img.convert("RGBA"))
        rgba[rgba[..., 3] == 0] = 0
        return np.ascontiguousarray(rgba[..., :3])
    return np.asarray(img.convert("RGB"))


def expected_hashes(path: Path) -> dict:
    """MD5 of the bytes; PDQ of the stored pixels and, if EXIF-rotated, of the displayed ones;
    for 16-bit grey, python-threatexchange's own PDQ of the file (it clips samples at 255)."""
    out: dict = {"md5": hashlib.md5(path.read_bytes()).hexdigest()}
    with Image.open(path) as img:
        img.load()
        orientation = img.getexif().get(0x0112, 1)
        out["pdq"], out["quality"] = pdq_of_rgb(rgb_pixels(img))
        if orientation not in (None, 1):
            shown = ImageOps.exif_transpose(img)
            shown.format = img.format
            out["pdqOriented"], out["qualityOriented"] = pdq_of_rgb(rgb_pixels(shown))
        if img.mode in GREY16:
            out["pdqClipped"], out["qualityClipped"] = pdq_from_bytes(path.read_bytes())
    return out
