"""The credential this bank presents to each peer: a file HASHBANK_KEY_DIR/peers/<name>.token,
readable by its owner only, like the keys (the database never holds it)."""

from __future__ import annotations

import os
from pathlib import Path

from hashbank.ledger import keys as ledger_keys


def token_dir() -> Path:
    return ledger_keys.key_dir() / "peers"


def token_path(name: str) -> Path:
    return token_dir() / f"{name}.token"


def write(name: str, token: str) -> None:
    """Write (or replace) the token, atomically, mode 0600."""
    directory = token_dir()
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    partial = directory / f".{name}.token.partial"
    partial.unlink(missing_ok=True)
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(token + "\n")
    partial.replace(token_path(name))


def read(name: str) -> str:
    path = token_path(name)
    return path.read_text().strip() if path.exists() else ""


def delete(name: str) -> None:
    token_path(name).unlink(missing_ok=True)
