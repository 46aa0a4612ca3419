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

import bisect
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

PDQ_BYTES = 32
CHUNKS = 16
DEFAULT_THRESHOLD = 31
DEFAULT_MIN_QUALITY = 50
_ONES = np.ones(4, dtype=np.int32)
_FLIPS = np.array([0] + [1 << b for b in range(16)], dtype=np.int64)


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
        self._lanes = self.codes.view(np.uint64)  # 4 words per hash for XOR + popcount
        # The same bytes as one 32-byte item per hash: np.take of candidates from it is a plain
        # memcpy per row, several times faster than fancy-indexing the (n, 4) lanes.
        self._items = self.codes.view(np.dtype((np.void, PDQ_BYTES))).reshape(-1)
        n = len(self.seqs)
        # All tables in one flat array: table c's rows occupy [c*n, (c+1)*n).
        self._rows = np.empty(CHUNKS * n, dtype=np.uint32)
        self._offsets = np.empty((CHUNKS, (1 << 16) + 1), dtype=np.int64)
        for chunk in range(CHUNKS):
            keys = self._words[:, chunk]
            self._rows[chunk * n : (chunk + 1) * n] = np.argsort(keys, kind="stable")
            self._offsets[chunk, 0] = chunk * n
            np.cumsum(np.bincount(keys, minlength=1 << 16), out=self._offsets[chunk, 1:])
            self._offsets[chunk, 1:] += chunk * n
        self._chunk_ids = np.arange(CHUNKS)[:, None]

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
        return self.codes.nbytes + self.seqs.nbytes + self._rows.nbytes + self._offsets.nbytes

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
            words = q.view(">u2").astype(np.int64)
            keys = words[:, None] ^ flips[None, :]  # (16 chunks, probes)
            starts = self._offsets[self._chunk_ids, keys].ravel()
            lengths = self._offsets[self._chunk_ids, keys + 1].ravel() - starts
            total = int(lengths.sum())
            if not total:
                return []
            # Expand the bucket ranges into positions without a Python loop.
            shift = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
            candidates = self._rows[shift + np.arange(total)]
        if candidates is None:
            block = self._lanes
        else:
            block = np.take(self._items, candidates).view(np.uint64).reshape(-1, 4)
        counts = np.bitwise_count(block ^ self._query_lanes(query))
        distances = counts @ _ONES  # the 4 lanes' popcounts summed (faster than .sum(axis=1))
        hits = np.nonzero(distances <= threshold)[0]
        rows_hit = hits if candidates is None else candidates[hits]
        # A hash close on several chunks is a candidate several times: keep each row once.
        found = dict(zip(rows_hit.tolist(), distances[hits].tolist(), strict=True))
        return sorted(found.items())

    @staticmethod
    def _query_lanes(query: bytes) -> np.ndarray:
        return np.frombuffer(query, dtype=np.uint64)


class Md5Index:
    """Exact MD5 lookup: the values sorted in one bytes object (16 bytes each, plus 8 for the
    sequence number), found by binary search; a lookup is a few microseconds."""

    def __init__(self, rows: Iterable[tuple[int, bytes]]) -> None:
        pairs = sorted((bytes(value), seq) for seq, value in rows)
        self._values = b"".join(value for value, _ in pairs)
        self.seqs = np.array([seq for _, seq in pairs], dtype=np.int64)

    def __len__(self) -> int:
        return len(self.seqs)

    def __getitem__(self, i: int) -> bytes:  # the sequence protocol bisect needs
        return self._values[16 * i : 16 * i + 16]

    def lookup(self, value: bytes) -> list[int]:
        """Sequence numbers of the adds with exactly this MD5 (normally zero or one)."""
        i = bisect.bisect_left(self, value)
        found = []
        while i < len(self.seqs) and self[i] == value:
            found.append(int(self.seqs[i]))
            i += 1
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
