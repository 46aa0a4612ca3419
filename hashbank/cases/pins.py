"""Case numbers and PINs: generated from the OS's CSPRNG; PINs stored only as slow salted hashes.

Pure helpers with no database access. The PIN has 12 digits (about 40 bits) and each case has its
own salt, so an attacker holding a database copy must brute-force every case separately; online,
the lockout in services allows ten guesses per case. PINs are hashed with scrypt, N=2^9, r=8
(512 KiB of memory per guess, about 1.2 ms here). Being memory-hard, it costs a GPU attacker at
least as much per guess as the 12,000-round PBKDF2-SHA256 used before, for a third of the CPU
time that the submission endpoint spends on it (see bench/submissions.py and docs/submissions.md).
Hashes made with that PBKDF2 setting still verify. scrypt itself runs in libsodium (PyNaCl), whose
vectorised Salsa20/8 takes about three quarters of OpenSSL's time for the same, standard output:
the attacker's cost per guess is unchanged, the server's is lower.
"""

from __future__ import annotations

import re
import secrets
from base64 import b64encode

from django.contrib.auth.hashers import PBKDF2PasswordHasher, ScryptPasswordHasher
from nacl.bindings import crypto_pwhash_scryptsalsa208sha256_ll as sodium_scrypt

# Crockford's base32 without I, L, O, U: nothing to misread when copying from a screen or paper.
NUMBER_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
NUMBER_PREFIX = "HB"
NUMBER_RE = re.compile(r"^HB[0-9A-HJKMNP-TV-Z]{8}$")
PIN_DIGITS = 12


class PinHasher(ScryptPasswordHasher):
    """scrypt with N=2^9, r=8, p=1: 512 KiB per guess. The encoded form names its parameters."""

    work_factor = 2**9
    block_size = 8
    parallelism = 1

    def salt(self) -> str:
        # 128 bits in one draw from the OS (Django draws each of its 22 characters separately).
        return secrets.token_urlsafe(16)

    def encode(self, password: str, salt: str, n=None, r=None, p=None) -> str:
        """Django's scrypt encoding, byte for byte, with the key derived by libsodium."""
        self._check_encode_args(password, salt)
        n, r, p = n or self.work_factor, r or self.block_size, p or self.parallelism
        key = sodium_scrypt(password.encode(), salt.encode(), n, r, p, 64)
        return f"{self.algorithm}${n}${salt}${r}${p}${b64encode(key).decode('ascii')}"


_hasher = PinHasher()
_LEGACY_PBKDF2 = PBKDF2PasswordHasher()
# Verified against when the case number is unknown, so both answers take the same time.
_DUMMY_HASH = _hasher.encode("000000000000", _hasher.salt())


def new_case_number() -> str:
    bits = secrets.randbits(40)  # 8 characters of 5 bits each, uniformly
    return NUMBER_PREFIX + "".join(
        NUMBER_ALPHABET[(bits >> shift) & 31] for shift in range(35, -1, -5)
    )


def normalize_case_number(raw: str) -> str | None:
    """`hb-7kq4-m2xd`, `HB 7KQ4 M2XD`, `HB7KQ4M2XD` -> `HB7KQ4M2XD`; None if malformed."""
    if not isinstance(raw, str) or len(raw) > 40:
        return None
    value = re.sub(r"[\s\-]", "", raw).upper()
    value = value.replace("O", "0").replace("I", "1").replace("L", "1")
    return value if NUMBER_RE.match(value) else None


def format_case_number(number: str) -> str:
    """`HB7KQ4M2XD` -> `HB-7KQ4-M2XD`, as shown to people."""
    return f"{number[:2]}-{number[2:6]}-{number[6:]}"


def new_pin() -> str:
    return f"{secrets.randbelow(10**PIN_DIGITS):0{PIN_DIGITS}d}"


def normalize_pin(raw: str) -> str | None:
    if not isinstance(raw, str) or len(raw) > 40:
        return None
    value = re.sub(r"[\s\-]", "", raw)
    return value if len(value) == PIN_DIGITS and value.isascii() and value.isdigit() else None


def format_pin(pin: str) -> str:
    return "-".join(pin[i : i + 4] for i in range(0, len(pin), 4))


def hash_pin(pin: str) -> str:
    return _hasher.encode(pin, _hasher.salt())


def verify_pin(pin: str | None, encoded: str | None) -> bool:
    """Constant work whether or not there is a case: a missing one is checked against a dummy."""
    if encoded is None or pin is None:
        _hasher.verify(pin or "", _DUMMY_HASH)
        return False
    if encoded.startswith(_LEGACY_PBKDF2.algorithm + "$"):
        return _LEGACY_PBKDF2.verify(pin, encoded)
    return _hasher.verify(pin, encoded)
