"""Hash a file on the member's side: MD5 of the bytes; PDQ of images at full resolution.

PDQ comes from the `pdqhash` reference (C++) on the stored RGB pixels, never pre-resized (which
costs 4-12 bits). Victims submit the hash of the stored pixels and, for files with an EXIF
orientation, of the displayed ones; an upload is hashed both ways too, so either submission
matches.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

CHUNK = 4 * 1024 * 1024


@dataclass
class FileHashes:
    md5: bytes
    pdq: list[tuple[bytes, int]] = field(default_factory=list)  # (hash, quality) per orientation


def md5_of(path: Path) -> bytes:
    digest = hashlib.md5()  # noqa: S324 (the ecosystem's exact-match hash, not for security)
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.digest()


def pdq_of_image(path: Path) -> list[tuple[bytes, int]]:
    """[(pdq, quality)] for the stored pixels and, if EXIF rotates them, the displayed ones;
    [] when the file is not an image Pillow can decode (videos match by MD5 only)."""
    import numpy as np
    import pdqhash
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(path) as img:
            img.load()
            images = [img.convert("RGB")]
            orientation = img.getexif().get(0x0112, 1)
            if orientation not in (None, 1):
                images.append(ImageOps.exif_transpose(img).convert("RGB"))
    except (UnidentifiedImageError, OSError, ValueError):
        return []
    found = []
    for rgb in images:
        bits, quality = pdqhash.compute(np.ascontiguousarray(np.asarray(rgb)))
        found.append((np.packbits(bits.astype(np.uint8)).tobytes(), int(quality)))
    return found


def hash_file(path: Path) -> FileHashes:
    return FileHashes(md5_of(path), pdq_of_image(path))
