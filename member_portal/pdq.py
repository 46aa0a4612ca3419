"""PDQ in numpy alone, bit-identical to the `pdqhash` package (ThreatExchange's C++ core).

Why it exists: `pdqhash` has no Linux wheels, so `pipx install hashbank-hasher` would need a C++
compiler there; this module needs only numpy, which has wheels everywhere. `imaging.pdq_of` uses
it when `pdqhash` is not installed (docs/offline-hasher.md).

How it stays bit-identical (the same recipe as the browser's `pdq.js`, docs/browser-hasher.md):
every C++ float operation is one float32 numpy operation, in the C++ order. Each running sum of the
Jarosz box filter is a serial chain of rounded adds; numpy advances all the rows (or columns) of a
pass together, one step of the chain at a time, so each lane performs exactly the C++ sequence.
The same goes for the DCT's accumulations over k. Only integer sums (quality) are reordered.

Pure numpy (no Django, no Pillow): it ships in the `hashbank-hasher` and `hashbank-member` wheels.
"""

from __future__ import annotations

import numpy as np

MIN_HASHABLE_DIM = 5
_F32 = np.float32
_LUMA_CHUNK_ROWS = 256  # luma is computed in float64 as pdqhash does; chunks bound that memory


def _dct_matrix() -> np.ndarray:
    # float(sqrt(2/64)) times a double cosine, stored as float: the C++ formula.
    scale = float(_F32(np.sqrt(2.0 / 64)))
    i = np.arange(1, 17, dtype=np.float64)[:, None]
    j = np.arange(64, dtype=np.float64)[None, :]
    return (scale * np.cos((np.pi / 2.0 / 64) * i * (2 * j + 1))).astype(_F32)


DCT = _dct_matrix()


def luma_of(rgb: np.ndarray) -> np.ndarray:
    """pdqhash's bindings.pyx: R*0.299 + G*0.587 + B*0.114 in float64, left to right, to float32."""
    rows, cols = rgb.shape[:2]
    luma = np.empty((rows, cols), dtype=_F32)
    for r in range(0, rows, _LUMA_CHUNK_ROWS):
        part = rgb[r : r + _LUMA_CHUNK_ROWS]
        luma[r : r + _LUMA_CHUNK_ROWS] = (
            part[..., 0] * 0.299 + part[..., 1] * 0.587 + part[..., 2] * 0.114
        )
    return luma


def _window(old_dim: int, new_dim: int = 64) -> int:
    return (old_dim + 2 * new_dim - 1) // (2 * new_dim)


def _box_along_axis0(x: np.ndarray, win: int, keep: np.ndarray | None = None) -> np.ndarray:
    """C++ box1DFloat down axis 0 of a C-contiguous float32 array, every column at once.

    With `keep` (non-decreasing indices, repeats allowed), only those output rows are returned,
    in that order; the running sums are the full pass's, so the values are too.
    """
    n = x.shape[0]
    half = (win + 2) // 2
    p1, p2, p3, p4 = half - 1, win - half + 1, n - win, half - 1
    wanted = None if keep is None else set(int(k) for k in keep)
    out = np.empty_like(x) if keep is None else {}
    s = np.zeros(x.shape[1:], dtype=_F32)
    ri = li = oi = size = 0

    def emit() -> None:
        if wanted is None:
            np.divide(s, _F32(size), out=out[oi])
        elif oi in wanted:
            out[oi] = s / _F32(size)

    for _ in range(p1):
        np.add(s, x[ri], out=s)
        size += 1
        ri += 1
    for _ in range(p2):
        np.add(s, x[ri], out=s)
        size += 1
        emit()
        ri += 1
        oi += 1
    for _ in range(p3):
        np.add(s, x[ri], out=s)
        np.subtract(s, x[li], out=s)
        emit()
        ri += 1
        li += 1
        oi += 1
    for _ in range(p4):
        np.subtract(s, x[li], out=s)
        size -= 1
        emit()
        li += 1
        oi += 1
    if keep is None:
        return out
    return np.stack([out[int(k)] for k in keep])


def _decimation(in_dim: int) -> np.ndarray:
    return np.array([int(((o + 0.5) * in_dim) / 64) for o in range(64)], dtype=np.intp)


def downsample64(luma: np.ndarray) -> np.ndarray:
    """Two Jarosz passes (rows then columns, twice) and decimation to 64x64; the second pass
    computes only what the decimation reads, as pdq.js does."""
    rows, cols = luma.shape
    if rows == 64 and cols == 64:
        return luma.astype(_F32, copy=True)
    win_rows = _window(cols)  # the window along each row
    win_cols = _window(rows)
    plane = _box_along_axis0(np.ascontiguousarray(luma.T), win_rows).T
    plane = _box_along_axis0(np.ascontiguousarray(plane), win_cols)
    narrow = _box_along_axis0(np.ascontiguousarray(plane.T), win_rows, keep=_decimation(cols))
    return _box_along_axis0(np.ascontiguousarray(narrow.T), win_cols, keep=_decimation(rows))


def quality_of(a: np.ndarray) -> int:
    """`int d = ((u - v) * 100) / 255` in float, truncated; |d| summed; / 90, capped at 100."""
    total = 0
    for u, v in ((a[:-1, :], a[1:, :]), (a[:, :-1], a[:, 1:])):
        d = ((u - v) * _F32(100)) / _F32(255)
        total += int(np.abs(np.trunc(d).astype(np.int64)).sum())
    return min(100, total // 90)


def dct64to16(a: np.ndarray) -> np.ndarray:
    """B = D A Dt, each sum over k accumulated in float in the C++ order."""
    t = np.zeros((16, 64), dtype=_F32)
    for k in range(64):
        t += DCT[:, k : k + 1] * a[k : k + 1, :]
    b = np.zeros((16, 16), dtype=_F32)
    for k in range(64):
        b += t[:, k : k + 1] * DCT[:, k][None, :]
    return b


def torben_median(m: np.ndarray) -> np.float32:
    """Torben's median as ThreatExchange's torben.cpp computes it, in float."""
    n = m.size
    lo, hi = m.min(), m.max()
    h = (n + 1) // 2
    while True:
        guess = _F32(_F32(lo + hi) / _F32(2))
        below, above = m < guess, m > guess
        less, greater = int(below.sum()), int(above.sum())
        equal = n - less - greater
        maxlt = max(lo, m[below].max()) if less else lo
        mingt = min(hi, m[above].min()) if greater else hi
        if less <= h and greater <= h:
            break
        if less > greater:
            hi = maxlt
        else:
            lo = mingt
    if less >= h:
        return maxlt
    if less + equal >= h:
        return guess
    return mingt


def pdq_from_luma(luma: np.ndarray) -> tuple[bytes, int]:
    """PDQ (32 bytes, ThreatExchange's hex order) and quality of a float32 luma plane."""
    rows, cols = luma.shape
    if rows < MIN_HASHABLE_DIM or cols < MIN_HASHABLE_DIM:
        return bytes(32), 0
    a = downsample64(luma)
    quality = quality_of(a)
    b = dct64to16(a).ravel()
    # Bit 16i + j is set when B[i][j] > median; the hex is the 16-bit words 15..0, high bit first.
    bits = (b > torben_median(b))[::-1]
    return np.packbits(bits).tobytes(), quality


def pdq_of_rgb(rgb: np.ndarray) -> tuple[bytes, int]:
    """PDQ and quality of RGB uint8 pixels (height, width, 3), as `pdqhash.compute` gives them."""
    return pdq_from_luma(luma_of(rgb))
