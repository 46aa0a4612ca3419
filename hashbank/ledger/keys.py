"""Signing keys: Ed25519 private keys live in files under settings.HASHBANK_KEY_DIR (or come from
HASHBANK_SIGNING_KEYS, one `PRIVATE+KEY+...` string per line), never in the database.

Key files are named `<hex key id>.key` (mode 0600); retired keys move to `retired/`.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings

from member_portal.feed import note


def key_dir() -> Path:
    return Path(settings.HASHBANK_KEY_DIR)


def key_name() -> str:
    """Keys are named after the origin, as tlog checkpoint keys conventionally are."""
    return settings.HASHBANK_ORIGIN


def all_signers() -> list[note.Signer]:
    signers: dict[int, note.Signer] = {}
    for line in settings.HASHBANK_SIGNING_KEYS.splitlines():
        if line.strip():
            signer = note.Signer.parse(line)
            signers[signer.key_id] = signer
    directory = key_dir()
    if directory.is_dir():
        for path in sorted(directory.glob("*.key")):
            signer = note.Signer.parse(path.read_text())
            signers[signer.key_id] = signer
    return [s for s in signers.values() if s.name == key_name()]


def write_signer(signer: note.Signer) -> Path:
    return write_key_file(key_dir(), signer.key_id, str(signer))


def write_key_file(directory: Path, key_id: int, text: str) -> Path:
    """A new private key file `<key id>.key` in `directory`, readable by its owner only.
    O_EXCL: two processes creating a key at once never overwrite each other's."""
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = directory / f"{key_id:08x}.key"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text + "\n")
    return path


def retire_signer_file(key_id: int) -> None:
    path = key_dir() / f"{key_id:08x}.key"
    if path.exists():
        retired = key_dir() / "retired"
        retired.mkdir(exist_ok=True, mode=0o700)
        path.rename(retired / path.name)
