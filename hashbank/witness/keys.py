"""The witness key: an Ed25519 cosigning key of its own (never the log key: a cosignature does not
commit to the signer's name, so one key must make one kind of statement), kept as a file in
HASHBANK_KEY_DIR/witness/ (mode 0600) beside the log keys, never in the database.

It lives in a subdirectory so that the ledger, which loads every `*.key` of HASHBANK_KEY_DIR as a
log key, never sees it.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from hashbank.ledger import keys as ledger_keys
from member_portal.feed import cosignature


def witness_dir() -> Path:
    return ledger_keys.key_dir() / "witness"


def witness_name() -> str:
    return settings.HASHBANK_WITNESS_NAME


def load_cosigner() -> cosignature.Cosigner | None:
    """The witness key for this witness's name, or None before `manage.py witness init`."""
    directory = witness_dir()
    if not directory.is_dir():
        return None
    for path in sorted(directory.glob("*.key")):
        cosigner = cosignature.Cosigner.parse(path.read_text())
        if cosigner.name == witness_name():
            return cosigner
    return None


def create_cosigner() -> tuple[cosignature.Cosigner, bool]:
    """The witness key, created if there is none yet; and whether it was created now."""
    existing = load_cosigner()
    if existing is not None:
        return existing, False
    cosigner = cosignature.Cosigner.generate(witness_name())
    ledger_keys.write_key_file(witness_dir(), cosigner.key_id, str(cosigner))
    return cosigner, True
