"""The witness's floors: for each origin it cosigned, the size and root of the latest cosigned tree,
also kept as a small file beside the witness key (HASHBANK_KEY_DIR/witness/floors/<hex sha256 of
the origin>), outside the database.

Why: a database restored from an old backup would hold an older size, and the witness would
cosign a second tree of a size it already cosigned (a split view). The key directory is backed up
apart from the database and restored rarely, so the witness trusts whichever of the two is ahead.
Each file is replaced atomically (write, fsync, rename) before the cosignature leaves.
"""

from __future__ import annotations

import os
from pathlib import Path

from hashbank.witness import keys


def _path(origin_sha256: str) -> Path:
    return keys.witness_dir() / "floors" / origin_sha256


def read(origin_sha256: str) -> tuple[int, bytes] | None:
    path = _path(origin_sha256)
    if not path.exists():
        return None
    size, root = path.read_text().split()
    return int(size), bytes.fromhex(root)


def write(origin_sha256: str, size: int, root: bytes) -> None:
    path = _path(origin_sha256)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = path.with_suffix(".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(f"{size} {root.hex()}\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
