"""Binary encodings of what the pull API serves: an entries page and a snapshot.

Entries page:   "HBE1" | start u64 | count u32 | count x (leaf[52] | payload length u8 | payload)
Snapshot v1:    "HBS1" | note length u32 | signed checkpoint note | compact range size u8 |
                32-byte hashes | active count u64 | count x active record  (before the switch)
Snapshot v2:    "HBS2" | note length u32 | signed checkpoint note | compact range size u8 |
                32-byte hashes of the range of size n-1 | state leaf[52] (entry n-1) |
                active count u64 | count x active record              (from the switch on)
Snapshot v3:    "HBS3" | as v2, but each record carries its review tier  (from the first tier entry)
Active record:  add seq u64 | type code u8 | quality u8 | salt[16] | value (32 pdq, 16 md5, 8 phash)
v3 record:      add seq u64 | type code u8 | quality u8 | basis u8 | salt[16] | value (basis: the
                basis code of its latest tier entry, 0 for none: unreviewed)
Payload of an add entry: salt[16] | quality u8 | value; empty for a remove, or once the bank has
purged a withdrawn value. All integers big-endian. docs/feed-format.md has a worked example.

`scan_entries` is the verifier's hot loop: it decodes and checks an entries page and extends the
Merkle tree and the active set in one pass. member_portal.verify decides what to trust.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from member_portal.feed import leaf as leaves
from member_portal.feed import merkle
from member_portal.feed.activeset import ActiveSet
from member_portal.feed.setdigest import MODULUS, SetDigest
from member_portal.feed.sha import sha256

ENTRIES_MAGIC = b"HBE1"
SNAPSHOT_MAGIC = b"HBS1"
SNAPSHOT_V2_MAGIC = b"HBS2"
SNAPSHOT_V3_MAGIC = b"HBS3"
LEAF_SIZE = leaves.LEAF_SIZE
_HEADER = struct.Struct(">4sQI")
_VALUE_SIZE_BY_CODE = {leaves.SIGNAL_TYPE_CODES[t]: n for t, n in leaves.VALUE_SIZES.items()}
_RECORD_HEAD = struct.Struct(">QBB")  # an active record's add seq, type code and quality
_RECORD_V3_HEAD = struct.Struct(">QBBB")  # ... and the basis code of its tier (v3)


class WireError(ValueError):
    """Bytes that do not decode as an entries page or a snapshot."""


@dataclass(frozen=True, slots=True)
class Payload:
    salt: bytes
    quality: int | None
    value: bytes


@dataclass(frozen=True, slots=True)
class ActiveRecord:
    seq: int
    type_code: int
    quality: int | None
    salt: bytes
    value: bytes
    basis_code: int = leaves.NO_BASIS  # of its latest tier entry (v3 snapshots); 0: none

    @property
    def signal_type(self) -> str:
        return leaves.SIGNAL_TYPE_NAMES[self.type_code]

    @property
    def digest(self) -> bytes:
        return leaves.value_digest(self.salt, self.signal_type, self.quality, self.value)

    @property
    def tier(self) -> str:
        return leaves.tier_of(self.basis_code)


def encode_payload(salt: bytes, quality: int | None, value: bytes) -> bytes:
    return salt + bytes((leaves.NO_QUALITY if quality is None else quality,)) + value


def decode_payload(data: bytes) -> Payload | None:
    if not data:
        return None
    if len(data) < 18:
        raise WireError("payload too short")
    q = data[16]
    return Payload(data[:16], None if q == leaves.NO_QUALITY else q, data[17:])


def encode_entries(start: int, records: Iterable[tuple[bytes, bytes]]) -> bytes:
    """records: (leaf, payload) pairs for sequence numbers start, start+1, ..."""
    body = bytearray()
    count = 0
    for leaf, payload in records:
        body += leaf
        body.append(len(payload))
        body += payload
        count += 1
    return _HEADER.pack(ENTRIES_MAGIC, start, count) + bytes(body)


def entries_header(page: bytes) -> tuple[int, int]:
    """(start, count) of an entries page, read without decoding its entries."""
    if len(page) < _HEADER.size:
        raise WireError("entries: page truncated")
    magic, start, count = _HEADER.unpack_from(page)
    if magic != ENTRIES_MAGIC:
        raise WireError("entries: not an entries page")
    return start, count


def entries_prefix(page: bytes, count: int) -> bytes:
    """The first `count` entries of an entries page, as a page of their own (its bytes, the
    header's count rewritten): a mirror cuts a page at a tile boundary."""
    start, total = entries_header(page)
    if count >= total:
        return page
    pos, end = _HEADER.size, len(page)
    for _ in range(count):
        if pos + LEAF_SIZE + 1 > end:
            raise WireError("entries page truncated")
        pos += LEAF_SIZE + 1 + page[pos + LEAF_SIZE]
    if pos > end:
        raise WireError("entries page truncated")
    return _HEADER.pack(ENTRIES_MAGIC, start, count) + page[_HEADER.size : pos]


# One entry as scan_entries reads it: the leaf's version, kind, type, reason, (timestamp), digest
# and target (leaf.py's layout), then the payload's length byte.
_ENTRY_HEAD = struct.Struct(">BBBB8x32s8sB")
_TYPE_BYTE = {code: bytes((code,)) for code in leaves.SIGNAL_TYPE_NAMES}
_PAYLOAD_SIZE = {code: 17 + n for code, n in _VALUE_SIZE_BY_CODE.items()}
_NO_TARGET = leaves.NO_TARGET.to_bytes(8, "big")


def scan_entries(
    page: bytes,
    compact: merkle.CompactRange,
    active: ActiveSet,
    leaf_hashes: list[bytes] | None = None,
) -> tuple[merkle.CompactRange, ActiveSet]:
    """Decode an entries page that continues the tree `compact`, checking every leaf, every
    disclosed value against its leaf's digest and every state entry against the active set it
    follows; return the tree and the active set after it.

    One pass, each entry parsed and hashed once (this is what bench/verify_feed.py measures); the
    LtHash elements are expanded a run at a time, between state entries. The inputs are left as
    they were; `leaf_hashes`, if given, gets each entry's leaf hash appended (a mirror keeps them
    as its tiles). Raises WireError naming the first bad entry; whether the result matches a signed
    checkpoint is for the caller (member_portal.verify) to check.
    """
    start, count = entries_header(page)
    if start != compact.size:
        raise WireError(f"entries: start at {start}, but the tree has {compact.size}")
    hashes = list(compact.hashes)
    after = active.copy()
    _scan(page, _HEADER.size, start, count, hashes, after, leaf_hashes)
    return merkle.CompactRange(start + count, hashes), after


def _scan(
    page: bytes,
    pos: int,
    start: int,
    count: int,
    hashes: list[bytes],
    active: ActiveSet,
    leaf_hashes: list[bytes] | None = None,
) -> None:
    """The hot loop: extends `hashes` (the compact range) and `active` in place. Every name it
    uses is bound to a local first."""
    sha = sha256
    from_bytes = int.from_bytes
    read_head = _ENTRY_HEAD.unpack_from
    domain = leaves.DIGEST_DOMAIN
    version_expected, add, remove, state = leaves.VERSION, leaves.ADD, leaves.REMOVE, leaves.STATE
    tier_kind, bases = leaves.TIER, leaves.BASIS_NAMES
    tiers = active.tiers  # add seq -> basis code; tier elements are applied with the runs below
    tier_adds: list[bytes] = []
    tier_removes: list[bytes] = []
    type_byte, payload_size, no_target = _TYPE_BYTE, _PAYLOAD_SIZE, _NO_TARGET
    lthash = active.lthash
    legacy = active.legacy is not None  # the additive digest is kept until the switch
    total = active.legacy.total if legacy else 0
    adds: list[bytes] = []  # digests not yet in `lthash`
    removes: list[bytes] = []
    append_add, append_remove = adds.append, removes.append
    ends_with_state = active.ends_with_state
    end = len(page)
    keep_leaf = leaf_hashes.append if leaf_hashes is not None else None
    for seq in range(start, start + count):
        if pos + 53 > end:
            raise WireError(f"entries: page truncated at entry {seq}")
        version, kind, code, reason, digest, target, n = read_head(page, pos)
        raw = page[pos : pos + 52]
        body = pos + 53
        pos = body + n
        if pos > end:
            raise WireError(f"entries: page truncated at entry {seq}")
        if kind == state:
            if version != version_expected or code or reason or n:
                raise WireError(f"entry {seq}: a state leaf has no type, reason or payload")
            lthash.add_many(adds)
            lthash.remove_many(removes)
            adds.clear()
            removes.clear()
            if tier_adds or tier_removes:
                lthash.add_tiers(tier_adds)
                lthash.remove_tiers(tier_removes)
                tier_adds.clear()
                tier_removes.clear()
            if from_bytes(target, "big") != lthash.count or digest != lthash.digest():
                raise WireError(
                    f"entry {seq}: the state entry does not commit to the active set before it"
                )
            legacy = False
            ends_with_state = True
        else:
            if version != version_expected or code not in type_byte:
                raise WireError(f"entry {seq}: unknown leaf version or signal type")
            if kind == add:
                if reason or target != no_target:
                    raise WireError(f"entry {seq}: an add leaf has no reason and no target")
                if (
                    n
                    and (
                        n != payload_size[code]
                        # leaf.value_digest, inlined: domain, salt, type, quality, value (the
                        # payload is salt, quality, value).
                        or sha(
                            domain
                            + page[body : body + 16]
                            + type_byte[code]
                            + page[body + 16 : pos]
                        ).digest()
                        != digest
                    )
                ):
                    raise WireError(f"entry {seq}: value does not match the leaf's digest")
                append_add(digest)
                if legacy:  # setdigest.element, inlined.
                    total += from_bytes(sha(b"\x00" + digest).digest(), "big")
            elif kind == remove:
                named = from_bytes(target, "big")
                if named >= seq:
                    raise WireError(f"entry {seq}: removes an entry that is not earlier")
                append_remove(digest)
                if legacy:
                    total -= from_bytes(sha(b"\x00" + digest).digest(), "big")
                if tiers and named in tiers:  # its tier element leaves the state with it
                    tier_removes.append(digest + bytes((tiers.pop(named),)))
            elif kind == tier_kind:
                named = from_bytes(target, "big")
                if named >= seq or reason not in bases or n:
                    raise WireError(
                        f"entry {seq}: a tier leaf names an earlier add, a known basis and no "
                        "payload"
                    )
                old = tiers.get(named)
                if old is not None:
                    tier_removes.append(digest + bytes((old,)))
                tiers[named] = reason
                tier_adds.append(digest + bytes((reason,)))
            else:
                raise WireError(f"entry {seq}: unknown leaf kind {kind}")
            ends_with_state = False
        # merkle.CompactRange.append_leaf_hash, inlined: the leaf hash, then one node hash per
        # perfect subtree this leaf completes.
        node = sha(b"\x00" + raw).digest()
        if keep_leaf is not None:
            keep_leaf(node)
        m = seq
        while m & 1:
            node = sha(b"\x01" + hashes.pop() + node).digest()
            m >>= 1
        hashes.append(node)
    if pos != end:
        raise WireError("entries: trailing bytes after the last entry")
    lthash.add_many(adds)
    lthash.remove_many(removes)
    lthash.add_tiers(tier_adds)
    lthash.remove_tiers(tier_removes)
    active.legacy = SetDigest(lthash.count, total % MODULUS) if legacy else None
    active.ends_with_state = ends_with_state


def decode_entries(data: bytes) -> tuple[int, list[tuple[bytes, bytes]]]:
    if len(data) < _HEADER.size:
        raise WireError("entries page too short")
    magic, start, count = _HEADER.unpack_from(data)
    if magic != ENTRIES_MAGIC:
        raise WireError("not an entries page")
    records = []
    pos = _HEADER.size
    end = len(data)
    for _ in range(count):
        if pos + LEAF_SIZE + 1 > end:
            raise WireError("entries page truncated")
        leaf = data[pos : pos + LEAF_SIZE]
        n = data[pos + LEAF_SIZE]
        payload = data[pos + LEAF_SIZE + 1 : pos + LEAF_SIZE + 1 + n]
        if len(payload) != n:
            raise WireError("entries page truncated")
        records.append((leaf, payload))
        pos += LEAF_SIZE + 1 + n
    if pos != end:
        raise WireError("trailing bytes after the last entry")
    return start, records


def encode_snapshot_header(
    note: str,
    compact_range: bytes,
    active_count: int,
    state_leaf: bytes | None = None,
    *,
    tiers: bool = False,
) -> bytes:
    """A snapshot's head: v1 ("HBS1", `compact_range` of the whole tree) without `state_leaf`;
    v2 ("HBS2", `compact_range` of all but the last entry, then that entry's state leaf) with it;
    v3 ("HBS3", as v2, records with their tiers) with `tiers`."""
    raw = note.encode()
    if state_leaf is not None and len(state_leaf) != LEAF_SIZE:
        raise WireError(f"a state leaf is {LEAF_SIZE} bytes")
    if tiers and state_leaf is None:
        raise WireError("a v3 snapshot ends with a state entry")
    if state_leaf is None:
        magic = SNAPSHOT_MAGIC
    else:
        magic = SNAPSHOT_V3_MAGIC if tiers else SNAPSHOT_V2_MAGIC
    return (
        magic
        + struct.pack(">I", len(raw))
        + raw
        + bytes((len(compact_range) // 32,))
        + compact_range
        + (state_leaf or b"")
        + struct.pack(">Q", active_count)
    )


def encode_active_record(
    seq: int,
    type_code: int,
    quality: int | None,
    salt: bytes,
    value: bytes,
    basis_code: int | None = None,
) -> bytes:
    """A v1/v2 record, or with `basis_code` (0 for none) a v3 record."""
    q = leaves.NO_QUALITY if quality is None else quality
    if basis_code is None:
        return _RECORD_HEAD.pack(seq, type_code, q) + salt + value
    return _RECORD_V3_HEAD.pack(seq, type_code, q, basis_code) + salt + value


def active_record_from_entry(
    seq: int, leaf: bytes, payload: bytes, basis_code: int | None = None
) -> bytes:
    """The snapshot's active record for the add entry `seq`, from its leaf and its payload
    (salt | quality | value, rearranged to quality before salt); v3 with `basis_code`."""
    if len(payload) < 18:
        raise WireError(f"entry {seq}: an active signal's payload is missing or too short")
    if basis_code is None:
        head = _RECORD_HEAD.pack(seq, leaves.type_code(leaf), payload[16])
    else:
        head = _RECORD_V3_HEAD.pack(seq, leaves.type_code(leaf), payload[16], basis_code)
    return head + payload[:16] + payload[17:]


class SnapshotReader:
    """Decode a snapshot from a binary stream (file or response), record by record."""

    def __init__(self, stream) -> None:
        self.stream = stream
        magic = self._read(4)
        versions = {SNAPSHOT_MAGIC: 1, SNAPSHOT_V2_MAGIC: 2, SNAPSHOT_V3_MAGIC: 3}
        if magic not in versions:
            raise WireError("not a snapshot")
        self.version = versions[magic]
        (length,) = struct.unpack(">I", self._read(4))
        try:
            self.note = self._read(length).decode()
        except UnicodeDecodeError:
            raise WireError("the snapshot's checkpoint is not UTF-8") from None
        (n,) = self._read(1)
        # v1: the compact range of the whole tree; v2: of all but its last entry, the state leaf.
        self.compact_range = self._read(32 * n)
        self.state_leaf = self._read(LEAF_SIZE) if self.version >= 2 else None
        (self.active_count,) = struct.unpack(">Q", self._read(8))

    def _read(self, n: int) -> bytes:
        data = self.stream.read(n)
        if len(data) != n:
            raise WireError("snapshot truncated")
        return data

    def records(self) -> Iterator[ActiveRecord]:
        read = self.stream.read
        tiered = self.version == 3
        fixed = _RECORD_V3_HEAD if tiered else _RECORD_HEAD
        width = fixed.size
        bases = leaves.BASIS_NAMES
        basis = leaves.NO_BASIS
        for _ in range(self.active_count):
            head = read(width)
            if len(head) != width:
                raise WireError("snapshot truncated")
            if tiered:
                seq, code, q, basis = fixed.unpack(head)
                if basis != leaves.NO_BASIS and basis not in bases:
                    raise WireError(f"record {seq}: unknown tier basis code {basis}")
            else:
                seq, code, q = fixed.unpack(head)
            size = _VALUE_SIZE_BY_CODE.get(code)
            if size is None:
                raise WireError(f"unknown signal type code {code}")
            rest = read(16 + size)
            if len(rest) != 16 + size:
                raise WireError("snapshot truncated")
            yield ActiveRecord(
                seq, code, None if q == leaves.NO_QUALITY else q, rest[:16], rest[16:], basis
            )
        if read(1):
            raise WireError("trailing bytes after the last record")
