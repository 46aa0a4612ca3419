"""Proof of work for the victim API (issue 17): signed, short-lived challenges that need no
server state to check, and the work they ask for. Standard library only.

A challenge is ASCII, `v1.<bits>.<expires>.<token>.<mac>`:

- `bits`: the difficulty, the number of leading zero bits the work's SHA-256 must have;
- `expires`: Unix seconds after which it is refused (`pow_expired`);
- `token`: 16 random bytes, base64url without padding: what a one-use store remembers;
- `mac`: HMAC-SHA-256 under the server's key of the domain, the subject and the four fields
  before it, truncated to 16 bytes, base64url. The subject (the throttles' key for the client,
  itself an HMAC of its address: never the address) binds a challenge to the client it was issued
  to, so that a client cannot fetch easy challenges from a fresh address and spend them on a busy
  one.

The work: a decimal `nonce` (at most 20 digits) such that SHA-256(challenge || ":" || nonce)
starts with `bits` zero bits. Expected 2^bits hashes to find, one hash to check.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass

VERSION = "v1"
DOMAIN = b"hashbank/pow/v1\x00"
MAX_BITS = 32
MAX_CHALLENGE_LENGTH = 100
MAX_NONCE_DIGITS = 20


class ProofInvalid(ValueError):
    """Not a proof of one of our challenges for this client (forged, altered, wrong work)."""


class ProofExpired(ValueError):
    """A well-formed proof of one of our challenges, past its expiry."""


@dataclass(frozen=True, slots=True)
class Challenge:
    text: str
    bits: int
    expires: int
    token: str


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _mac(key: bytes, subject: str, body: str) -> str:
    message = DOMAIN + subject.encode("utf-8") + b"\x00" + body.encode("ascii")
    return _b64(hmac.new(key, message, hashlib.sha256).digest()[:16])


def issue(*, key: bytes, subject: str, bits: int, now: int, ttl: int) -> Challenge:
    """A new challenge of `bits` difficulty for `subject`, valid for `ttl` seconds from `now`."""
    if not 0 < bits <= MAX_BITS:
        raise ValueError(f"bits must be 1..{MAX_BITS}")
    token = _b64(secrets.token_bytes(16))
    body = f"{VERSION}.{bits}.{now + ttl}.{token}"
    return Challenge(f"{body}.{_mac(key, subject, body)}", bits, now + ttl, token)


def leading_zero_bits(digest: bytes) -> int:
    value = int.from_bytes(digest, "big")
    return len(digest) * 8 - value.bit_length()


def work(challenge: str, nonce: str) -> bytes:
    return hashlib.sha256(f"{challenge}:{nonce}".encode("ascii")).digest()


def check(*, key: bytes, subject: str, challenge: object, nonce: object, now: int) -> Challenge:
    """The challenge, when `nonce` is a valid proof of it for `subject` at `now`; else
    ProofInvalid, or ProofExpired for an honest proof that came too late. The MAC is checked
    before the work, in constant time, so a forged challenge costs one HMAC."""
    if not (
        isinstance(challenge, str)
        and isinstance(nonce, str)
        and challenge.isascii()
        and len(challenge) <= MAX_CHALLENGE_LENGTH
        and 0 < len(nonce) <= MAX_NONCE_DIGITS
        and nonce.isascii()
        and nonce.isdigit()
    ):
        raise ProofInvalid("not a proof")
    parts = challenge.split(".")
    if len(parts) != 5 or parts[0] != VERSION:
        raise ProofInvalid("not one of our challenges")
    version, bits_text, expires_text, token, mac = parts
    body = f"{version}.{bits_text}.{expires_text}.{token}"
    if not hmac.compare_digest(mac, _mac(key, subject, body)):
        raise ProofInvalid("not a challenge issued to this client")
    # Signed by us, so the fields are ours: plain ASCII digits.
    bits, expires = int(bits_text), int(expires_text)
    if leading_zero_bits(work(challenge, nonce)) < bits:
        raise ProofInvalid("the work does not meet the difficulty")
    if now > expires:
        raise ProofExpired("the challenge has expired")
    return Challenge(challenge, bits, expires, token)


def solve(challenge: str, bits: int) -> str:
    """A nonce for `challenge` (what the browser's worker does; for the tests and bench)."""
    n = 0
    while leading_zero_bits(work(challenge, str(n))) < bits:
        n += 1
    return str(n)
