"""The state commitment (v1): LtHash16 of the active set, and its 32-byte commitment digest.

LtHash16 (Lewi, Kim, Maykov, Weis, "Securing Update Propagation with Homomorphic Hashing", 2019;
folly's `LtHash16_1024`): the state is 1024 lanes of unsigned 16-bit integers (2048 bytes).

    element(d)  = BLAKE3-XOF(DOMAIN || d), 2048 bytes, read as 1024 little-endian u16 lanes
    add(d)      : state[i] = (state[i] + element(d)[i]) mod 2^16 for every lane i
    remove(d)   : state[i] = (state[i] - element(d)[i]) mod 2^16
    commitment  = SHA-256(DOMAIN || count u64 big-endian || state as 2048 bytes, lanes LE)

with DOMAIN = "hashbank/state/v1" || 0x00 and d an active signal's 32-byte value digest (the leaf's
digest field). Adding and removing commute, so the bank and every member keep it up to date as
they apply entries, in O(1) per entry, and a snapshot's records produce it without the log.
Unlike the additive digest it replaces (member_portal/feed/setdigest.py), finding two sets with
the same state is a lattice problem (SIS) even for a party that picks every element.
`b3sum --length 2048` of DOMAIN || d prints element(d) in hex. docs/feed-format.md 3.1.

Review tiers (docs/feed-format.md 1.4) are in the state too: an active signal whose latest tier
entry has basis code b adds one more element, tier_element(d, b) = BLAKE3-XOF(TIER_DOMAIN || d ||
b) (2048 bytes, lanes as above); the count counts signals only. A log without tier entries has no
tier elements, so its commitments are what they were.

Elements are expanded and summed a chunk at a time with numpy: joining a few hundred 2 KiB
outputs and summing them lane-wise is several times cheaper than one numpy call per element.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable

import numpy as np
from blake3 import blake3

from member_portal.feed.sha import sha256

DOMAIN = b"hashbank/state/v1\x00"
TIER_DOMAIN = b"hashbank/tier/v1\x00"
LANES = 1024
STATE_SIZE = 2 * LANES
_LANE = np.dtype("<u2")
_CHUNK = 256  # elements per numpy sum: 512 KiB of expanded elements stays in the CPU's cache
_COUNT = struct.Struct(">Q")


class LtHashError(ValueError):
    """Bytes that are not an LtHash16 state."""


def element(value_digest: bytes) -> bytes:
    """The 2048-byte expansion of one element (1024 little-endian u16 lanes)."""
    return blake3(DOMAIN + value_digest).digest(length=STATE_SIZE)


def tier_element(value_digest: bytes, basis_code: int) -> bytes:
    """The 2048-byte element a signal's tier adds to the state (basis code 1..255)."""
    return blake3(TIER_DOMAIN + value_digest + bytes((basis_code,))).digest(length=STATE_SIZE)


def tier_input(value_digest: bytes, basis_code: int) -> bytes:
    """What follows TIER_DOMAIN in a tier element's XOF input (for LtHash.add_tiers)."""
    return value_digest + bytes((basis_code,))


def _sum(value_digests: Iterable[bytes], domain: bytes = DOMAIN) -> tuple[np.ndarray, int]:
    """The lane-wise sum (mod 2^16) of the elements, and how many there were."""
    total = np.zeros(LANES, dtype=_LANE)
    count = 0
    chunk: list[bytes] = []
    for value_digest in value_digests:
        chunk.append(blake3(domain + value_digest).digest(length=STATE_SIZE))
        if len(chunk) == _CHUNK:
            total += np.frombuffer(b"".join(chunk), _LANE).reshape(-1, LANES).sum(0, _LANE)
            count += _CHUNK
            chunk = []
    if chunk:
        total += np.frombuffer(b"".join(chunk), _LANE).reshape(-1, LANES).sum(0, _LANE)
        count += len(chunk)
    return total, count


def commitment(count: int, state: bytes) -> bytes:
    """The 32-byte commitment digest of an active set of `count` signals with LtHash `state`."""
    if len(state) != STATE_SIZE:
        raise LtHashError(f"an LtHash16 state is {STATE_SIZE} bytes, not {len(state)}")
    return sha256(DOMAIN + _COUNT.pack(count) + state).digest()


class LtHash:
    """A running LtHash16 of a set, with its element count. Mutable; `copy()` before changing a
    state someone else holds."""

    __slots__ = ("count", "lanes")

    def __init__(self, count: int = 0, lanes: np.ndarray | None = None) -> None:
        self.count = count
        self.lanes = np.zeros(LANES, dtype=_LANE) if lanes is None else lanes

    @classmethod
    def from_bytes(cls, count: int, state: bytes) -> LtHash:
        if len(state) != STATE_SIZE:
            raise LtHashError(f"an LtHash16 state is {STATE_SIZE} bytes, not {len(state)}")
        return cls(count, np.frombuffer(state, _LANE).copy())

    @classmethod
    def of(cls, value_digests: Iterable[bytes]) -> LtHash:
        lanes, count = _sum(value_digests)
        return cls(count, lanes)

    def copy(self) -> LtHash:
        return LtHash(self.count, self.lanes.copy())

    def add(self, value_digest: bytes) -> None:
        self.lanes += np.frombuffer(element(value_digest), _LANE)
        self.count += 1

    def remove(self, value_digest: bytes) -> None:
        self.lanes -= np.frombuffer(element(value_digest), _LANE)
        self.count -= 1

    def add_many(self, value_digests: Iterable[bytes]) -> None:
        lanes, count = _sum(value_digests)
        self.lanes += lanes
        self.count += count

    def remove_many(self, value_digests: Iterable[bytes]) -> None:
        lanes, count = _sum(value_digests)
        self.lanes -= lanes
        self.count -= count

    def add_tiers(self, inputs: Iterable[bytes]) -> None:
        """Add tier elements; `inputs` are tier_input(digest, basis code). The count is unchanged."""
        lanes, _ = _sum(inputs, TIER_DOMAIN)
        self.lanes += lanes

    def remove_tiers(self, inputs: Iterable[bytes]) -> None:
        lanes, _ = _sum(inputs, TIER_DOMAIN)
        self.lanes -= lanes

    def to_bytes(self) -> bytes:
        return self.lanes.astype(_LANE, copy=False).tobytes()

    def digest(self) -> bytes:
        """The commitment digest (what a state leaf and a checkpoint's `state` line carry)."""
        return commitment(self.count, self.to_bytes())

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, LtHash)
            and self.count == other.count
            and bool((self.lanes == other.lanes).all())
        )

    def __repr__(self) -> str:
        return f"LtHash(count={self.count}, digest={self.digest().hex()[:16]}...)"
