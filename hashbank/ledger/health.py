from __future__ import annotations

from hashbank.ledger import keys, selectors


def check_signing_key() -> tuple[bool, str]:
    """Ready when a private key named in the current root document is loaded."""
    root = selectors.current_root()
    if root is None:
        return False, "no root document: run `manage.py keys init`"
    loaded = {s.key_id for s in keys.all_signers()}
    usable = [v for v in root.keys if v.key_id in loaded]
    if not usable:
        return False, "no key of the current root document is loaded"
    return True, f"{len(usable)} key(s), root version {root.version}"
