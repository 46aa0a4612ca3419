"""The one pixel decoder behind every PDQ hashbank computes: an image file to the RGB pixels hashed.

The browser hasher (decode.js), the offline hasher (`hashbank.hasher`) and the member client
(`member_portal.client.hashing`) must hash the same pixels, or a victim's submission and a
member's copy of the same file end up tens of bits apart. The canonical pixels
(docs/browser-hasher.md#which-pixels-are-hashed) are the first frame of the file as the browser's
canvas decodes it:

- as stored: EXIF orientation not applied (`Pixels.displayed` is the view with it applied);
- alpha dropped, keeping the colour under transparent pixels; palettes expanded; grey replicated
  to R=G=B; no ICC colour conversion;
- 16-bit samples reduced to their high byte (Pillow already does that for 16-bit RGB; for 16-bit
  grey its `convert("RGB")` clips at 255 instead, which whitens the picture);
- a GIF's transparent index, which has no colour of its own, as black (browsers decode it as
  transparent black; Pillow would give the palette entry's colour).

Stock python-threatexchange 1.2 (and so HMA) hashes 16-bit grey clipped at 255, so for those files
`Pixels.clipped` holds that view too: victims submit its PDQ as well, the way they submit the
oriented one, and members running stock HMA still match.

Pillow and numpy only (no Django): this module ships in the member toolkit and in the offline
hasher's wheel (`hashbank-hasher`). PDQ is `member_portal.pdq`, numpy alone, bit-identical to the
`pdqhash` package (which has no Linux wheels) and faster on large photos (`bench/pdq_numpy.py`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np
from PIL import Image

from member_portal import pdq

EXIF_ORIENTATION = 0x0112
GREY16_MODES = frozenset({"I;16", "I;16B", "I;16L", "I"})

# EXIF orientation -> the transposition that shows the stored pixels upright, as
# PIL.ImageOps.exif_transpose applies it (TIFF 6.0, tag 274).
_UPRIGHT = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


class UndecodableImage(ValueError):
    """Pillow cannot decode the file (not an image, HEIC without a plugin, corrupt, too large)."""


@dataclass(frozen=True)
class Pixels:
    """The views of one decoded image, each C-contiguous RGB uint8 of shape (height, width, 3)."""

    stored: np.ndarray  # the canonical pixels
    orientation: int  # EXIF orientation, 1..8 (1 when absent or out of range)
    displayed: np.ndarray | None  # `stored` with the orientation applied, when it is not 1
    clipped: np.ndarray | None  # 16-bit grey only: samples clipped at 255, as threatexchange does


def canonical_rgb(img: Image.Image) -> np.ndarray:
    """The canonical RGB pixels of an opened (and loaded) Pillow image; see the module docstring."""
    if img.mode in GREY16_MODES:
        grey = (np.asarray(img, dtype=np.uint32) >> 8).clip(0, 255).astype(np.uint8)
        return np.ascontiguousarray(np.dstack([grey, grey, grey]))
    if img.format == "GIF" and "transparency" in img.info:
        rgba = np.array(img.convert("RGBA"))
        rgba[rgba[..., 3] == 0] = 0
        return np.ascontiguousarray(rgba[..., :3])
    return np.ascontiguousarray(np.asarray(img.convert("RGB")))


def clipped_rgb(img: Image.Image) -> np.ndarray | None:
    """16-bit grey as python-threatexchange 1.2's `pdq_hasher` decodes it (`convert("RGB")`,
    which clips every sample at 255); None for every other image, where it hashes what we do or,
    for palette and CMYK images, no picture at all (docs/browser-hasher.md)."""
    if img.mode not in GREY16_MODES:
        return None
    grey = np.asarray(img, dtype=np.uint32).clip(0, 255).astype(np.uint8)
    return np.ascontiguousarray(np.dstack([grey, grey, grey]))


def orientation_of(img: Image.Image) -> int:
    value = img.getexif().get(EXIF_ORIENTATION, 1)
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def upright(rgb: np.ndarray, orientation: int) -> np.ndarray:
    """Stored pixels shown as the EXIF orientation says (a lossless re-arrangement)."""
    if orientation not in _UPRIGHT:
        return rgb
    return np.ascontiguousarray(np.asarray(Image.fromarray(rgb).transpose(_UPRIGHT[orientation])))


def decode(source: Path | BinaryIO) -> Pixels:
    """Every view of an image file that hashbank hashes. Raises UndecodableImage."""
    try:
        with Image.open(source) as img:
            img.load()
            orientation = orientation_of(img)
            stored = canonical_rgb(img)
            clipped = clipped_rgb(img)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        # OSError covers UnidentifiedImageError (not an image, or no plugin for it).
        raise UndecodableImage(str(exc)) from exc
    displayed = upright(stored, orientation) if orientation != 1 else None
    return Pixels(stored, orientation, displayed, clipped)


def pdq_of(rgb: np.ndarray) -> tuple[bytes, int]:
    """PDQ (32 bytes, ThreatExchange's hex order once hexed) and quality 0..100 of RGB pixels, at
    full resolution (pre-resizing would cost 4-12 bits), bit for bit as the `pdqhash` reference."""
    return pdq.pdq_of_rgb(np.ascontiguousarray(rgb, dtype=np.uint8))
