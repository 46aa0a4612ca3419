"""SHA-256 for the hot loops (sealing, verification, the set digest): the same function as
hashlib.sha256, from the implementation that is fastest for the short inputs hashed here.

CPython's built-in SHA-256 (module `_sha2` from 3.12, `_sha256` before) skips the OpenSSL
context that hashlib.sha256 sets up on every call, which is a fifth of the cost of hashing a
52-byte leaf. Interpreters without it (or FIPS builds that leave it out) get hashlib's.
"""

from __future__ import annotations

import hashlib
import importlib


def _fastest_sha256():
    for module_name in ("_sha2", "_sha256"):
        try:
            candidate = importlib.import_module(module_name).sha256
        except (ImportError, AttributeError):
            continue
        if candidate(b"abc").digest() == hashlib.sha256(b"abc").digest():
            return candidate
    return hashlib.sha256


sha256 = _fastest_sha256()
