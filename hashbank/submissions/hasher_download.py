"""The offline hasher's wheel that this bank serves (`make hasher-dist` writes it into
HASHBANK_HASHER_DIST_DIR, dist/ by default): which file it is and its sha256.

The checksum is computed from the file itself, never configured beside it, so the page can never
show a checksum of another build. It is cached per (path, size, mtime): a rebuild shows at once.
"""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

WHEEL_NAME = re.compile(r"hashbank_hasher-[0-9][0-9A-Za-z.]*-py3-none-any\.whl")


@dataclass(frozen=True)
class HasherWheel:
    name: str
    path: Path
    size: int
    sha256: str


@functools.lru_cache(maxsize=4)
def _sha256(path: Path, size: int, mtime_ns: int) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def current() -> HasherWheel | None:
    """The newest hashbank-hasher wheel in the directory, or None when none was built."""
    directory = (
        Path(settings.HASHBANK_HASHER_DIST_DIR) if settings.HASHBANK_HASHER_DIST_DIR else None
    )
    if directory is None or not directory.is_dir():
        return None
    wheels = [p for p in directory.iterdir() if WHEEL_NAME.fullmatch(p.name) and p.is_file()]
    if not wheels:
        return None
    path = max(wheels, key=lambda p: p.stat().st_mtime_ns)
    stat = path.stat()
    return HasherWheel(path.name, path, stat.st_size, _sha256(path, stat.st_size, stat.st_mtime_ns))
