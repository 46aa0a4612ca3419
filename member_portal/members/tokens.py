"""API tokens: `hbk_<key_id>_<secret>`.

Why a key id: tokens are 256-bit random secrets, so they cannot be guessed and need no search over
every stored hash. The key id (64 random bits, not secret) finds one row by index; the secret is
then checked against that row's slow salted hash (Django's PBKDF2 hasher), so a database leak
reveals nothing usable. Because PBKDF2 takes a large fraction of a second, a worker remembers, in
its own memory only and for a short time, that a given token matched a given stored hash; the row
itself (revocation, expiry, member status, address list) is still read on every request, so a
revocation takes effect at once.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import threading
import time

from django.contrib.auth.hashers import check_password, make_password

PREFIX = "hbk_"
TOKEN_RE = re.compile(r"^hbk_([0-9a-f]{16})_([A-Za-z0-9_-]{40,64})$")
_CACHE_SECONDS = 300
_PROCESS_KEY = secrets.token_bytes(32)
_verified: dict[str, tuple[bytes, float]] = {}
_lock = threading.Lock()


def new_token() -> tuple[str, str, str]:
    """A fresh (token, key_id, secret_hash)."""
    key_id = secrets.token_hex(8)
    secret = secrets.token_urlsafe(32)
    return f"{PREFIX}{key_id}_{secret}", key_id, make_password(secret)


def parse(token: str) -> tuple[str, str] | None:
    """(key_id, secret) of a well-formed token, else None."""
    match = TOKEN_RE.match(token.strip())
    return (match.group(1), match.group(2)) if match else None


def verify(secret: str, secret_hash: str) -> bool:
    digest = hmac.new(_PROCESS_KEY, f"{secret_hash}\n{secret}".encode(), hashlib.sha256).digest()
    now = time.monotonic()
    with _lock:
        cached = _verified.get(secret_hash)
    if cached and cached[1] > now and hmac.compare_digest(cached[0], digest):
        return True
    if not check_password(secret, secret_hash):
        return False
    with _lock:
        if len(_verified) > 10_000:
            _verified.clear()
        _verified[secret_hash] = (digest, now + _CACHE_SECONDS)
    return True
