"""PDQ of a 12 MP photo: member_portal/pdq.py (numpy alone, what the hasher and client use) side by
side with the `pdqhash` reference (C++), same pixels, best of 3 each. One command:

    python bench/pdq_numpy.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import pdqhash

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from member_portal import pdq  # noqa: E402
from tests.hasher.corpus import photo  # noqa: E402


def best_of(n: int, fn) -> float:
    times = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    rgb = np.ascontiguousarray(photo(4000, 3000, 12))
    ours = pdq.pdq_of_rgb(rgb)
    bits, quality = pdqhash.compute(rgb)
    same = ours == (np.packbits(bits.astype(np.uint8)).tobytes(), int(quality))
    numpy_s = best_of(3, lambda: pdq.pdq_of_rgb(rgb))
    cpp_s = best_of(3, lambda: pdqhash.compute(rgb))
    print(f"12 MP (4000x3000) photo, numpy {np.__version__}, best of 3")
    print(f"  member_portal.pdq (numpy): {numpy_s * 1000:7.0f} ms")
    print(f"  pdqhash (C++ reference)  : {cpp_s * 1000:7.0f} ms")
    print(f"  bit-identical: {same}")


if __name__ == "__main__":
    main()
