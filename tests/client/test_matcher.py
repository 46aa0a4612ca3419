"""The multi-index PDQ matcher finds exactly what a brute-force scan finds."""

import numpy as np

from member_portal.client.matcher import Md5Index, PdqIndex


def _near(rng, code: np.ndarray, bits: int) -> bytes:
    q = code.copy()
    for b in rng.choice(256, bits, replace=False):
        q[b // 8] ^= 1 << (b % 8)
    return q.tobytes()


def test_multi_index_search_equals_brute_force_at_every_distance():
    rng = np.random.default_rng(3)
    codes = rng.integers(0, 256, size=(20000, 32), dtype=np.uint8)
    index = PdqIndex(codes, np.arange(100, 20100))
    for threshold in (0, 8, 15, 16, 31, 40):
        for bits in (0, threshold // 2, threshold, threshold + 1):
            query = _near(rng, codes[rng.integers(len(codes))], min(bits, 256))
            distances = np.unpackbits(codes ^ np.frombuffer(query, np.uint8), axis=1).sum(1)
            expected = sorted((int(i), int(d)) for i, d in enumerate(distances) if d <= threshold)
            assert index.search(query, threshold) == expected


def test_empty_index_matches_nothing():
    index = PdqIndex(np.zeros((0, 32), np.uint8), np.zeros(0, np.int64))
    assert index.search(bytes(32)) == []


def test_md5_index_finds_exact_values_only():
    values = [bytes([i]) * 16 for i in range(50)]
    index = Md5Index((seq, value) for seq, value in enumerate(values))
    assert index.lookup(values[7]) == [7]
    assert index.lookup(b"\x07" * 15 + b"\x08") == []
