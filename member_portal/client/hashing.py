"""Hash a file on the member's side: MD5 of the bytes; PDQ of images at full resolution.

The pixels come from the canonical decoder the victims' hashers use (`member_portal.imaging`), so a
member's copy of a submitted file gives the submitted PDQ bit for bit. Victims submit the hash of
the stored pixels and, for files with an EXIF orientation, of the displayed ones, and for 16-bit
grey, of the samples clipped at 255 (what stock python-threatexchange computes); an upload is
hashed every one of those ways, so any submission matches.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from member_portal.imaging import UndecodableImage, decode, pdq_of

CHUNK = 4 * 1024 * 1024


@dataclass
class FileHashes:
    md5: bytes
    # (hash, quality): stored pixels first, then the displayed and the clipped views if any.
    pdq: list[tuple[bytes, int]] = field(default_factory=list)


def md5_of(path: Path) -> bytes:
    digest = hashlib.md5()  # noqa: S324 (the ecosystem's exact-match hash, not for security)
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.digest()


def pdq_of_image(path: Path) -> list[tuple[bytes, int]]:
    """[(pdq, quality)] for the stored pixels, then the displayed ones if EXIF rotates them, then
    the clipped ones of 16-bit grey; [] when the file is not an image Pillow can decode (videos
    match by MD5 only)."""
    try:
        pixels = decode(path)
    except UndecodableImage:
        return []
    views = (pixels.stored, pixels.displayed, pixels.clipped)
    return [pdq_of(rgb) for rgb in views if rgb is not None]


def hash_file(path: Path) -> FileHashes:
    return FileHashes(md5_of(path), pdq_of_image(path))
