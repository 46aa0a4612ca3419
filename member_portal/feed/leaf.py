"""Ledger leaves: a fixed 52-byte layout, never JSON (see docs/feed-format.md, "Leaves").

offset size field
0      1    version (1)
1      1    kind: 1 add, 2 remove, 3 state, 4 tier
2      1    signal type code (1 pdq, 2 md5, 3 phash); 0 for a state entry
3      1    removal reason code (0 for an add or a state entry; 6 `removed` for every remove sealed
            now, 1-5 in older removes); for a tier entry its basis code
4      8    time the entry was sealed, Unix seconds, big-endian
12     32   value digest: SHA-256 of the salted value (see value_digest); for a state entry the
            commitment digest of the active set (member_portal/feed/lthash.py)
44     8    for a remove or a tier entry, the sequence number of the add it names; 2^64-1 for an
            add; for a state entry the number of active signals

A state entry commits to the active set as of the entry before it (after all earlier entries);
from a log's first state entry on, every seal ends with one, so every later checkpoint's last
entry is a state entry.

A tier entry (kind 4) sets the review tier of the active signal its add entry introduced: its
basis code says what corroborated it (or that it went back to `unreviewed`), and it carries that
add's type and value digest, as a remove does. A signal is `unreviewed` from its add until a tier
entry names it; the latest tier entry naming its add decides. docs/feed-format.md 1.4.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from member_portal.feed.sha import sha256

VERSION = 1
ADD = 1
REMOVE = 2
STATE = 3
TIER = 4
LEAF_SIZE = 52
NO_TARGET = 2**64 - 1
SALT_SIZE = 16
NO_QUALITY = 255
DIGEST_DOMAIN = b"hashbank/signal/v1\x00"

SIGNAL_TYPE_CODES = {"pdq": 1, "md5": 2, "phash": 3}
SIGNAL_TYPE_NAMES = {code: name for name, code in SIGNAL_TYPE_CODES.items()}
VALUE_SIZES = {"pdq": 32, "md5": 16, "phash": 8}
REASON_CODES = {
    "": 0,
    "withdrawn": 1,
    "dispute_upheld": 2,
    "staff_removed": 3,
    "suspended": 4,
    "other": 5,
    "removed": 6,
}
REASON_NAMES = {code: name for name, code in REASON_CODES.items()}
# What every remove sealed from now on carries: members are told only that a value left the feed.
# Why (a person's withdrawal, an upheld dispute, a suspension) stays with the bank and the person;
# a block of `withdrawn` removes would otherwise say "one person withdrew these together"
# (issue 17). Codes 1-5 are still read: earlier removes carry them, and a log is append-only.
REMOVED = "removed"
REMOVED_CODE = REASON_CODES[REMOVED]

# A tier entry's basis (byte 3): what set the signal's tier. `unreviewed` takes a confirmation
# back; the others confirm it. 0 is never written: it stands for "no tier entry since its add"
# (in a snapshot record, docs/feed-format.md 6.2).
UNREVIEWED = "unreviewed"
CONFIRMED = "confirmed"
NO_BASIS = 0
BASIS_CODES = {
    "unreviewed": 1,
    "member_report": 2,
    "second_case": 3,
    "caseworker_review": 4,
}
BASIS_NAMES = {code: name for name, code in BASIS_CODES.items()}


def tier_of(basis_code: int) -> str:
    """The review tier a basis code (or NO_BASIS) puts a signal in."""
    return UNREVIEWED if basis_code in (NO_BASIS, BASIS_CODES["unreviewed"]) else CONFIRMED


_LAYOUT = struct.Struct(">BBBBQ32sQ")
assert _LAYOUT.size == LEAF_SIZE


class LeafError(ValueError):
    """Bytes that are not a well-formed leaf."""


@dataclass(frozen=True, slots=True)
class Leaf:
    kind: int
    type_code: int
    reason_code: int
    timestamp: int
    digest: bytes
    target: int

    @property
    def is_add(self) -> bool:
        return self.kind == ADD

    @property
    def is_state(self) -> bool:
        return self.kind == STATE

    @property
    def is_tier(self) -> bool:
        return self.kind == TIER

    @property
    def signal_type(self) -> str:
        return SIGNAL_TYPE_NAMES[self.type_code]

    @property
    def reason(self) -> str:
        return REASON_NAMES.get(self.reason_code, "other")

    @property
    def basis(self) -> str:
        """A tier entry's basis (what set the tier)."""
        return BASIS_NAMES[self.reason_code]

    @property
    def tier(self) -> str:
        """The tier a tier entry sets."""
        return tier_of(self.reason_code)


def value_digest(salt: bytes, signal_type: str, quality: int | None, value: bytes) -> bytes:
    """The salted digest an add leaf commits to; the salt lets the bank purge the value later."""
    if len(salt) != SALT_SIZE:
        raise LeafError("salt must be 16 bytes")
    code = SIGNAL_TYPE_CODES[signal_type]
    q = NO_QUALITY if quality is None else quality
    return sha256(DIGEST_DOMAIN + salt + bytes((code, q)) + value).digest()


def type_code(data: bytes) -> int:
    """The signal type code of an encoded leaf, read without decoding (or checking) the rest."""
    return data[2]


def encode_add(*, type_code: int, timestamp: int, digest: bytes) -> bytes:
    return _LAYOUT.pack(VERSION, ADD, type_code, 0, timestamp, digest, NO_TARGET)


def encode_remove(
    *, type_code: int, reason_code: int, timestamp: int, digest: bytes, target: int
) -> bytes:
    return _LAYOUT.pack(VERSION, REMOVE, type_code, reason_code, timestamp, digest, target)


def encode_state(*, timestamp: int, digest: bytes, count: int) -> bytes:
    """The state entry a seal appends last: the active set's count and commitment digest."""
    return _LAYOUT.pack(VERSION, STATE, 0, 0, timestamp, digest, count)


def encode_tier(
    *, type_code: int, basis_code: int, timestamp: int, digest: bytes, target: int
) -> bytes:
    """A tier entry: the signal added by entry `target` (its type and value digest) is now in the
    tier `basis_code` puts it in (tier_of)."""
    if basis_code not in BASIS_NAMES:
        raise LeafError(f"unknown tier basis code {basis_code}")
    return _LAYOUT.pack(VERSION, TIER, type_code, basis_code, timestamp, digest, target)


def decode(data: bytes) -> Leaf:
    if len(data) != LEAF_SIZE:
        raise LeafError(f"a leaf is {LEAF_SIZE} bytes, not {len(data)}")
    version, kind, type_code, reason, timestamp, digest, target = _LAYOUT.unpack(data)
    if version != VERSION:
        raise LeafError(f"unknown leaf version {version}")
    if kind == STATE:
        if type_code != 0 or reason != 0:
            raise LeafError("a state leaf has no signal type and no reason")
        return Leaf(kind, type_code, reason, timestamp, digest, target)
    if kind not in (ADD, REMOVE, TIER):
        raise LeafError(f"unknown leaf kind {kind}")
    if type_code not in SIGNAL_TYPE_NAMES:
        raise LeafError(f"unknown signal type code {type_code}")
    if kind == ADD and (reason != 0 or target != NO_TARGET):
        raise LeafError("an add leaf has no reason and no target")
    if kind == REMOVE and target == NO_TARGET:
        raise LeafError("a remove leaf must name the add it removes")
    if kind == TIER and (target == NO_TARGET or reason not in BASIS_NAMES):
        raise LeafError("a tier leaf names an add and a known basis")
    return Leaf(kind, type_code, reason, timestamp, digest, target)
