"""The active-set digest of logs before their switch to state entries (checkpoints' `active` line).

It is NOT collision resistant when the committer picks the elements (Wagner's k-tree algorithm;
tests/verify/test_forgery.py): verifiers accept it only for the part of a log before its first
state entry. The state commitment that replaced it is member_portal/feed/lthash.py.

digest = (sum over active signals of int(SHA-256(0x00 || value digest))) mod 2^256, written as 32
big-endian bytes. Adding and removing are one addition or subtraction, so the bank and every
member keep it up to date as they apply entries, and a snapshot can be checked against the
checkpoint without replaying the log. It is a checksum of state, not a commitment on its own:
the Merkle tree is what binds the bank to its history.
"""

from __future__ import annotations

from member_portal.feed.sha import sha256

MODULUS = 1 << 256


def element(value_digest: bytes) -> int:
    return int.from_bytes(sha256(b"\x00" + value_digest).digest(), "big")


class SetDigest:
    __slots__ = ("count", "total")

    def __init__(self, count: int = 0, total: int = 0) -> None:
        self.count = count
        self.total = total

    def add(self, value_digest: bytes) -> None:
        self.count += 1
        self.total = (self.total + element(value_digest)) % MODULUS

    def remove(self, value_digest: bytes) -> None:
        self.count -= 1
        self.total = (self.total - element(value_digest)) % MODULUS

    def digest(self) -> bytes:
        return self.total.to_bytes(32, "big")

    @classmethod
    def from_digest(cls, count: int, digest: bytes) -> SetDigest:
        return cls(count, int.from_bytes(digest, "big"))

    @classmethod
    def of(cls, value_digests) -> SetDigest:
        total = 0
        count = 0
        for value_digest in value_digests:
            total += element(value_digest)
            count += 1
        return cls(count, total % MODULUS)
