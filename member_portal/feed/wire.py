"""Binary encodings of what the pull API serves: an entries page and a snapshot.

Entries page:   "HBE1" | start u64 | count u32 | count x (leaf[52] | payload length u8 | payload)
Snapshot:       "HBS1" | note length u32 | signed checkpoint note | compact range size u8 |
                32-byte hashes | active count u64 | count x active record
Active record:  add seq u64 | type code u8 | quality u8 | salt[16] | value (32 pdq, 16 md5, 8 phash)
Payload of an add entry: salt[16] | quality u8 | value; empty for a remove, or once the bank has
purged a withdrawn value. All integers big-endian. docs/feed-format.md has a worked example.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from member_portal.feed import leaf as leaves

ENTRIES_MAGIC = b"HBE1"
SNAPSHOT_MAGIC = b"HBS1"
LEAF_SIZE = leaves.LEAF_SIZE
_HEADER = struct.Struct(">4sQI")
_VALUE_SIZE_BY_CODE = {leaves.SIGNAL_TYPE_CODES[t]: n for t, n in leaves.VALUE_SIZES.items()}


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

    @property
    def signal_type(self) -> str:
        return leaves.SIGNAL_TYPE_NAMES[self.type_code]

    @property
    def digest(self) -> bytes:
        return leaves.value_digest(self.salt, self.signal_type, self.quality, self.value)


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


def encode_snapshot_header(note: str, compact_range: bytes, active_count: int) -> bytes:
    raw = note.encode()
    return (
        SNAPSHOT_MAGIC
        + struct.pack(">I", len(raw))
        + raw
        + bytes((len(compact_range) // 32,))
        + compact_range
        + struct.pack(">Q", active_count)
    )


def encode_active_record(
    seq: int, type_code: int, quality: int | None, salt: bytes, value: bytes
) -> bytes:
    q = leaves.NO_QUALITY if quality is None else quality
    return struct.pack(">QBB", seq, type_code, q) + salt + value


class SnapshotReader:
    """Decode a snapshot from a binary stream (file or response), record by record."""

    def __init__(self, stream) -> None:
        self.stream = stream
        if self._read(4) != SNAPSHOT_MAGIC:
            raise WireError("not a snapshot")
        (length,) = struct.unpack(">I", self._read(4))
        self.note = self._read(length).decode()
        (n,) = self._read(1)
        self.compact_range = self._read(32 * n)
        (self.active_count,) = struct.unpack(">Q", self._read(8))

    def _read(self, n: int) -> bytes:
        data = self.stream.read(n)
        if len(data) != n:
            raise WireError("snapshot truncated")
        return data

    def records(self) -> Iterator[ActiveRecord]:
        read = self.stream.read
        fixed = struct.Struct(">QBB")
        for _ in range(self.active_count):
            head = read(10)
            if len(head) != 10:
                raise WireError("snapshot truncated")
            seq, code, q = fixed.unpack(head)
            size = _VALUE_SIZE_BY_CODE.get(code)
            if size is None:
                raise WireError(f"unknown signal type code {code}")
            rest = read(16 + size)
            if len(rest) != 16 + size:
                raise WireError("snapshot truncated")
            yield ActiveRecord(
                seq, code, None if q == leaves.NO_QUALITY else q, rest[:16], rest[16:]
            )
        if read(1):
            raise WireError("trailing bytes after the last record")
