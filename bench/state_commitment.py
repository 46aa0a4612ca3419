"""Per-element cost of each set commitment considered for the checkpoint's state (docs/feed-format.md
3.1), in this Python: the old additive digest (setdigest.py, unsound), MuHash3072 (Bitcoin Core's
UTXO-set hash, elements expanded with SHAKE-256 to 384 bytes here in place of ChaCha20, multiplied
mod 2^3072 - 1103717 with Python ints), LtHash16 with a SHAKE-128 expansion, LtHash16 with BLAKE3
one numpy add per element, and LtHash16 with BLAKE3 batched through numpy (what lthash.py does).

    .venv/bin/python bench/state_commitment.py [--elements 200000]

Prints elements/s for each; asserts nothing.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import time
from pathlib import Path

import numpy as np
from blake3 import blake3

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from member_portal.feed import lthash, setdigest  # noqa: E402

MUHASH_PRIME = 2**3072 - 1103717


def additive(digests: list[bytes]) -> None:
    setdigest.SetDigest.of(digests).digest()


def muhash3072(digests: list[bytes]) -> None:
    acc = 1
    for d in digests:
        acc = acc * int.from_bytes(hashlib.shake_256(d).digest(384), "little") % MUHASH_PRIME
    acc.to_bytes(384, "little")


def lthash16_shake(digests: list[bytes]) -> None:
    lanes = np.zeros(1024, np.uint16)
    for d in digests:
        lanes += np.frombuffer(hashlib.shake_128(lthash.DOMAIN + d).digest(2048), "<u2")


def lthash16_blake3_per_element(digests: list[bytes]) -> None:
    lanes = np.zeros(1024, np.uint16)
    for d in digests:
        lanes += np.frombuffer(blake3(lthash.DOMAIN + d).digest(length=2048), "<u2")


def lthash16_blake3_batched(digests: list[bytes]) -> None:
    lthash.LtHash.of(digests).digest()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--elements", type=int, default=200_000)
    args = parser.parse_args()
    digests = [os.urandom(32) for _ in range(args.elements)]
    for name, fn in [
        ("additive SHA-256 mod 2^256 (old, unsound)", additive),
        ("MuHash3072 (SHAKE-256 expansion)", muhash3072),
        ("LtHash16, SHAKE-128, numpy per element", lthash16_shake),
        ("LtHash16, BLAKE3, numpy per element", lthash16_blake3_per_element),
        ("LtHash16, BLAKE3, numpy batched (lthash.py)", lthash16_blake3_batched),
    ]:
        n = args.elements if fn is not muhash3072 else args.elements // 4
        best = float("inf")
        for _ in range(3):
            t0 = time.perf_counter()
            fn(digests[:n])
            best = min(best, time.perf_counter() - t0)
        print(f"{name:48s} {n / best:>12,.0f} elements/s")


if __name__ == "__main__":
    main()
