"""Hashes of one file on this computer: MD5 of the bytes; PDQ and pHash of images.

The pixels are decoded exactly as the browser hasher (hasher.js) decodes them, so both give the
same PDQ for the same file (docs/browser-hasher.md): the stored pixels of the first frame as RGB,
alpha dropped, no colour management; a GIF's transparent index counts as black. When the file
carries an EXIF orientation other than 1, the hashes of the pixels as displayed are added.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import imagehash
import numpy as np
import pdqhash
from PIL import Image, ImageOps

CHUNK = 4 * 1024 * 1024

_MAGIC = (
    (b"\xff\xd8\xff", 0),
    (b"\x89PNG", 0),
    (b"GIF87a", 0),
    (b"GIF89a", 0),
)
_BMP_HEADER_SIZES = {12, 40, 52, 56, 64, 108, 124}
_FTYP_IMAGE_BRANDS = {
    b"heic",
    b"heix",
    b"hevc",
    b"hevx",
    b"heim",
    b"heis",
    b"mif1",
    b"msf1",
    b"avif",
    b"avis",
}


def looks_like_image(head: bytes) -> bool:
    """The same sniffing as the browser hasher (sniff.js): by content, never by file name."""
    if any(head[off : off + len(magic)] == magic for magic, off in _MAGIC):
        return True
    if (
        head[:2] == b"BM"
        and len(head) >= 18
        and int.from_bytes(head[14:16], "little") in _BMP_HEADER_SIZES
    ):
        return True
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return True
    return head[4:8] == b"ftyp" and head[8:12] in _FTYP_IMAGE_BRANDS


def md5_of(path: Path) -> str:
    digest = hashlib.md5()
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def rgb_pixels(img: Image.Image) -> np.ndarray:
    """The canonical RGB pixels PDQ is computed on (see the module docstring)."""
    if img.mode in ("I;16", "I;16B", "I;16L", "I"):
        # 16-bit grey: browsers keep the high byte (Pillow's convert would clip at 255).
        grey = (np.asarray(img, dtype=np.uint32) >> 8).clip(0, 255).astype(np.uint8)
        return np.ascontiguousarray(np.dstack([grey, grey, grey]))
    if img.format == "GIF" and "transparency" in img.info:
        rgba = np.array(img.convert("RGBA"))
        rgba[rgba[..., 3] == 0] = 0
        return np.ascontiguousarray(rgba[..., :3])
    return np.ascontiguousarray(np.asarray(img.convert("RGB")))


def pdq_of(rgb: np.ndarray) -> tuple[str, int]:
    """PDQ hex (64 digits) and quality of RGB pixels, by the `pdqhash` reference at full size."""
    bits, quality = pdqhash.compute(rgb)
    return np.packbits(bits.astype(np.uint8)).tobytes().hex(), int(quality)


def _image_hashes(img: Image.Image) -> tuple[str, int, str]:
    pdq, quality = pdq_of(rgb_pixels(img))
    return pdq, quality, str(imagehash.phash(img.convert("RGB")))


def hash_path(path: Path) -> dict:
    """The hash-file entry for one file (docs/offline-hasher.md)."""
    md5 = md5_of(path)
    with path.open("rb") as fh:
        head = fh.read(64)
    if not looks_like_image(head):
        return {"kind": "other", "md5": md5}
    try:
        with Image.open(path) as img:
            img.load()
            orientation = int(img.getexif().get(0x0112, 1) or 1)
            if not 1 <= orientation <= 8:
                orientation = 1
            pdq, quality, phash = _image_hashes(img)
            entry = {"kind": "image", "md5": md5, "pdq": pdq, "quality": quality, "phash": phash}
            entry["orientation"] = orientation
            if orientation != 1:
                shown = ImageOps.exif_transpose(img)
                shown.format = img.format
                shown.info = dict(img.info)
                entry["pdq_oriented"], entry["quality_oriented"], entry["phash_oriented"] = (
                    _image_hashes(shown)
                )
            return entry
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        # Pillow could not decode it (HEIC without a plugin, a corrupt file): the MD5 still counts.
        return {"kind": "image", "md5": md5, "error": "image_decode_failed"}
