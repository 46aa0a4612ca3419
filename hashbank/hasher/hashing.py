"""Hashes of one file on this computer: MD5 of the bytes; PDQ and pHash of images.

The pixels come from the one canonical decoder, `member_portal.imaging`, which decodes as the
browser hasher (hasher.js) does, so both give the same PDQ for the same file
(docs/browser-hasher.md). When the file carries an EXIF orientation other than 1, the hashes of the
pixels as displayed are added; for 16-bit grey, the PDQ of the samples clipped at 255, which is
what a member running stock python-threatexchange computes.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import imagehash
import numpy as np
from PIL import Image

from member_portal.imaging import UndecodableImage, decode, pdq_of

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


def _image_hashes(rgb: np.ndarray) -> tuple[str, int, str]:
    pdq, quality = pdq_of(rgb)
    return pdq.hex(), quality, str(imagehash.phash(Image.fromarray(rgb)))


def hash_path(path: Path) -> dict:
    """The hash-file entry for one file (docs/offline-hasher.md)."""
    md5 = md5_of(path)
    with path.open("rb") as fh:
        head = fh.read(64)
    if not looks_like_image(head):
        return {"kind": "other", "md5": md5}
    try:
        pixels = decode(path)
    except UndecodableImage:
        # Pillow could not decode it (HEIC without a plugin, a corrupt file): the MD5 still counts.
        return {"kind": "image", "md5": md5, "error": "image_decode_failed"}
    pdq, quality, phash = _image_hashes(pixels.stored)
    entry = {"kind": "image", "md5": md5, "pdq": pdq, "quality": quality, "phash": phash}
    entry["orientation"] = pixels.orientation
    if pixels.displayed is not None:
        entry["pdq_oriented"], entry["quality_oriented"], entry["phash_oriented"] = _image_hashes(
            pixels.displayed
        )
    if pixels.clipped is not None:
        clipped, quality_clipped = pdq_of(pixels.clipped)
        entry["pdq_clipped"], entry["quality_clipped"] = clipped.hex(), quality_clipped
    return entry
