"""API tokens: `hbk_<key_id>_<secret>`, and how their secret is stored and checked.

Why a key id: the key id (64 random bits, not secret) finds one row by index, so a request is
checked against one stored hash, never searched for among them all.

Why an HMAC and no password hash: the secret is 256 random bits (secrets.token_urlsafe(32)), so
it cannot be guessed or brute-forced from a stolen hash, and a slow KDF adds nothing but cost
(NIST SP 800-63B 5.1.2.2 asks for a KDF only for secrets a person chose). Worse, a KDF made every
request that named a known key id cost the bank a quarter of a second of CPU before anything else
was checked. So the row keeps `hmac_sha256$<hex>`: the HMAC-SHA256 of the key id and secret under
the server's token key (HASHBANK_TOKEN_KEY, or one derived from SECRET_KEY), compared in constant
time. A database leak alone reveals nothing usable: without the token key, the HMAC cannot even
be tested against a guess.

Credentials issued before this were stored with Django's PBKDF2 (`pbkdf2_sha256$...`); their
secret is unknown to the bank, so no migration can rehash them. `verify` still accepts them, and
`services.authenticate` replaces each with the HMAC form on its first successful use (and checks
one only after revocation, expiry and the failed-attempt limits).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from django.conf import settings
from django.contrib.auth.hashers import check_password

PREFIX = "hbk_"
TOKEN_RE = re.compile(r"^hbk_([0-9a-f]{16})_([A-Za-z0-9_-]{40,64})$")
HMAC_PREFIX = "hmac_sha256$"


def new_token() -> tuple[str, str, str]:
    """A fresh (token, key_id, secret_hash)."""
    key_id = secrets.token_hex(8)
    secret = secrets.token_urlsafe(32)
    return f"{PREFIX}{key_id}_{secret}", key_id, secret_hash(key_id, secret)


def parse(token: str) -> tuple[str, str] | None:
    """(key_id, secret) of a well-formed token, else None."""
    match = TOKEN_RE.match(token.strip())
    return (match.group(1), match.group(2)) if match else None


def secret_hash(key_id: str, secret: str) -> str:
    """What the row stores for this token. The key id is inside the MAC, so a stored hash proves
    only the token it was made for, even if two rows were given the same secret."""
    mac = hmac.new(_token_key(), f"{key_id}\n{secret}".encode(), hashlib.sha256)
    return HMAC_PREFIX + mac.hexdigest()


def is_legacy(stored: str) -> bool:
    """A hash from before HMAC storage (Django's PBKDF2): costly to check, upgraded on use."""
    return not stored.startswith(HMAC_PREFIX)


def verify(key_id: str, secret: str, stored: str) -> bool:
    """Whether the secret is the one `stored` was made from. The HMAC form is compared in
    constant time; a legacy hash is checked by Django's hasher (slow: callers limit it)."""
    if not is_legacy(stored):
        return hmac.compare_digest(secret_hash(key_id, secret), stored)
    return check_password(secret, stored)


def _token_key() -> bytes:
    configured = settings.HASHBANK_TOKEN_KEY
    if configured:
        return configured.encode()
    # Derived, not SECRET_KEY itself: a MAC under this key is never also a MAC Django made.
    return hmac.new(
        settings.SECRET_KEY.encode(), b"hashbank api token key", hashlib.sha256
    ).digest()
