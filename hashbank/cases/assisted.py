"""Assisted codes, pure: how one is drawn, written, read back and hashed. No database.

A code is 8 characters of an alphabet without look-alikes (no 0/O, 1/I/L), shown as
`K7QM-3XPA` (about 39 bits): read over the phone, typed on a phone. Only its HMAC-SHA256 under
SECRET_KEY is stored, so the table alone does not give a usable code; it expires after
`LIFETIME` and is used once, and the entry page counts attempts like PINs.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from django.conf import settings

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LENGTH = 8
LIFETIME = dt.timedelta(minutes=30)


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def format_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


def normalize(text: str) -> str | None:
    """What the person typed -> the code, or None when it cannot be one (spaces, dashes and
    case do not matter; O, I and L are read as the digits they look like, which are not in the
    alphabet either, so a look-alike never matches another code)."""
    if not isinstance(text, str) or len(text) > 40:
        return None
    code = "".join(c for c in text.upper() if c not in " -")
    if len(code) != LENGTH or any(c not in ALPHABET for c in code):
        return None
    return code


def code_hash(code: str) -> str:
    key = f"hashbank.assisted-code:{settings.SECRET_KEY}".encode()
    return hmac.new(key, code.encode("ascii"), hashlib.sha256).hexdigest()
