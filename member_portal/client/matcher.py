"""Match hashes against the active set: PDQ within a Hamming distance, MD5 exactly.

PDQ uses multi-index hashing (Norouzi et al.; the scheme FAISS's IndexBinaryMultiHash implements
and HMA uses): the 256 bits are cut into 16 chunks of 16 bits. Two hashes within distance 31 agree
to within one bit on at least one chunk (pigeonhole: 16 chunks x 2 bits > 31), so a query probes,
in each chunk's table, its own chunk value and the 16 values one bit away, then checks the few
candidates exactly. Each table is a bucket-sorted array of row numbers (4 bytes a hash) with
65,537 offsets, so memory is 32 bytes of hash + 64 bytes of tables + 8 of sequence number per
signal, and building is one stable argsort per table (FAISS's hash maps take 4x the memory and
seconds per million to build). Searches up to distance 31 use one flip per chunk; larger
thresholds fall back to a full scan, which is exact but slower.

Hashes of quality below `min_quality` (50, as the industry does) are never indexed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

PDQ_BYTES = 32
CHUNKS = 16
DEFAULT_THRESHOLD = 31
DEFAULT_MIN_QUALITY = 50
_FLIPS = np.array([0] + [1 << b for b in range(16)], dtype=np.uint32)


@dataclass(frozen=True)
class Match:
    """One signal that matched: the ledger sequence number of its add entry names it."""

    seq: int
    signal_type: str
    value: str
    distance: int

    def as_dict(self) -> dict:
        return {
            "seq": self.seq,
            "signal_type": self.signal_type,
            "value": self.value,
            "distance": self.distance,
        }


class PdqIndex:
    """An immutable multi-index over PDQ hashes (rebuilt from the local store after a sync)."""

    def __init__(self, codes: np.ndarray, seqs: np.ndarray) -> None:
        if codes.ndim != 2 or codes.shape[1] != PDQ_BYTES or len(codes) != len(seqs):
            raise ValueError("codes must be an (n, 32) uint8 array with one seq per row")
        self.codes = np.ascontiguousarray(codes, dtype=np.uint8)
        self.seqs = np.asarray(seqs, dtype=np.int64)
        self._words = self.codes.view(">u2")  # 16 big-endian 16-bit chunks per hash
        self._rows: list[np.ndarray] = []
        self._offsets: list[np.ndarray] = []
        for chunk in range(CHUNKS):
            keys = self._words[:, chunk]
            order = np.argsort(keys, kind="stable").astype(np.uint32)
            counts = np.bincount(keys, minlength=1 << 16)
            offsets = np.zeros((1 << 16) + 1, dtype=np.uint32)
            np.cumsum(counts, out=offsets[1:])
            self._rows.append(order)
            self._offsets.append(offsets)

    @classmethod
    def build(cls, rows: Iterable[tuple[int, bytes]], count_hint: int = 0) -> PdqIndex:
        """From (seq, 32-byte value) pairs."""
        seqs: list[int] = []
        raw = bytearray()
        for seq, value in rows:
            seqs.append(seq)
            raw += value
        codes = np.frombuffer(bytes(raw), dtype=np.uint8).reshape(-1, PDQ_BYTES)
        return cls(codes, np.array(seqs, dtype=np.int64))

    def __len__(self) -> int:
        return len(self.seqs)

    @property
    def nbytes(self) -> int:
        return (
            self.codes.nbytes
            + self.seqs.nbytes
            + sum(r.nbytes for r in self._rows)
            + sum(o.nbytes for o in self._offsets)
        )

    def search(self, query: bytes, threshold: int = DEFAULT_THRESHOLD) -> list[tuple[int, int]]:
        """(row, distance) of every indexed hash within `threshold` bits of `query`."""
        if len(query) != PDQ_BYTES:
            raise ValueError("a PDQ hash is 32 bytes")
        if not len(self.seqs):
            return []
        q = np.frombuffer(query, dtype=np.uint8)
        if threshold >= 2 * CHUNKS:
            candidates = None  # pigeonhole no longer holds with one flip: scan everything
        else:
            flips = _FLIPS if threshold >= CHUNKS else _FLIPS[:1]
            words = q.view(">u2").astype(np.uint32)
            parts = []
            for chunk in range(CHUNKS):
                keys = words[chunk] ^ flips
                offsets = self._offsets[chunk]
                starts = offsets[keys]
                ends = offsets[keys + 1]
                rows = self._rows[chunk]
                for s, e in zip(starts.tolist(), ends.tolist(), strict=True):
                    if e > s:
                        parts.append(rows[s:e])
            if not parts:
                return []
            candidates = np.unique(np.concatenate(parts))
        block = self.codes if candidates is None else self.codes[candidates]
        distances = np.bitwise_count(np.bitwise_xor(block, q)).sum(axis=1, dtype=np.int32)
        hits = np.nonzero(distances <= threshold)[0]
        rows_hit = hits if candidates is None else candidates[hits]
        return [(int(r), int(d)) for r, d in zip(rows_hit, distances[hits], strict=True)]


class Md5Index:
    """Exact MD5 lookup: the values sorted as (high, low) 64-bit halves, found by binary search."""

    def __init__(self, rows: Iterable[tuple[int, bytes]]) -> None:
        seqs: list[int] = []
        raw = bytearray()
        for seq, value in rows:
            seqs.append(seq)
            raw += value
        halves = np.frombuffer(bytes(raw), dtype=">u8").reshape(-1, 2).astype(np.uint64)
        order = np.lexsort((halves[:, 1], halves[:, 0])) if len(seqs) else np.array([], dtype=np.int64)
        self.high = np.ascontiguousarray(halves[order, 0]) if len(seqs) else np.array([], np.uint64)
        self.low = np.ascontiguousarray(halves[order, 1]) if len(seqs) else np.array([], np.uint64)
        self.seqs = np.array(seqs, dtype=np.int64)[order] if len(seqs) else np.array([], np.int64)

    def __len__(self) -> int:
        return len(self.seqs)

    def lookup(self, value: bytes) -> list[int]:
        """Sequence numbers of the adds with exactly this MD5 (normally zero or one)."""
        high = int.from_bytes(value[:8], "big")
        low = int.from_bytes(value[8:16], "big")
        start = int(np.searchsorted(self.high, np.uint64(high), side="left"))
        found = []
        while start < len(self.high) and int(self.high[start]) == high:
            if int(self.low[start]) == low:
                found.append(int(self.seqs[start]))
            start += 1
        return found


class Matcher:
    """PDQ and MD5 indexes over one verified state of the active set."""

    def __init__(
        self,
        pdq: Iterable[tuple[int, bytes, int | None]],
        md5: Iterable[tuple[int, bytes]],
        *,
        threshold: int = DEFAULT_THRESHOLD,
        min_quality: int = DEFAULT_MIN_QUALITY,
    ) -> None:
        self.threshold = threshold
        self.min_quality = min_quality
        self.pdq = PdqIndex.build(
            (seq, value) for seq, value, quality in pdq if quality is None or quality >= min_quality
        )
        self.md5 = Md5Index(md5)

    def match_pdq(self, value: bytes, *, threshold: int | None = None) -> list[Match]:
        limit = self.threshold if threshold is None else threshold
        found = [
            Match(int(self.pdq.seqs[row]), "pdq", self.pdq.codes[row].tobytes().hex(), distance)
            for row, distance in self.pdq.search(value, limit)
        ]
        return sorted(found, key=lambda m: (m.distance, m.seq))

    def match_md5(self, value: bytes) -> list[Match]:
        return [Match(seq, "md5", value.hex(), 0) for seq in self.md5.lookup(value)]
