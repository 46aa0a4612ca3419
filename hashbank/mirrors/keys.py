"""The mirror key: a tlog-cosignature/v1 key of its own, distinct from the log key and the witness
key (one key, one kind of statement: this one says "I stored these entries and serve them"), a
file in HASHBANK_KEY_DIR/mirror/ (mode 0600), created on first use."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from hashbank.ledger import keys as ledger_keys
from member_portal.feed import cosignature


def mirror_dir() -> Path:
    return ledger_keys.key_dir() / "mirror"


def mirror_name() -> str:
    return settings.HASHBANK_MIRROR_NAME


def load_cosigner() -> cosignature.Cosigner | None:
    directory = mirror_dir()
    if not directory.is_dir():
        return None
    for path in sorted(directory.glob("*.key")):
        cosigner = cosignature.Cosigner.parse(path.read_text())
        if cosigner.name == mirror_name():
            return cosigner
    return None


def cosigner() -> cosignature.Cosigner:
    """The mirror key, created if there is none yet."""
    existing = load_cosigner()
    if existing is not None:
        return existing
    made = cosignature.Cosigner.generate(mirror_name())
    try:
        ledger_keys.write_key_file(mirror_dir(), made.key_id, str(made))
    except FileExistsError:  # another process made the same name's key first: use theirs
        return load_cosigner() or made
    return made
