"""Benchmark the member-side verifier: entries per second through member_portal.verify (entries
page decoded, every leaf parsed, every payload checked against its leaf's digest, leaves appended
to the compact range, root and active-set digest compared with the signed checkpoint), and the
ratio to raw SHA-256 speed in this Python (one hashlib.sha256 call per 52-byte leaf).

    .venv/bin/python bench/verify_feed.py [--entries 1000000]

Pure Python, no database. Prints figures; asserts nothing. Target (issue 3): >= 300,000 entries/s.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from member_portal import verify  # noqa: E402
from member_portal.feed import checkpoint as checkpoints  # noqa: E402
from member_portal.feed import leaf as leaves  # noqa: E402
from member_portal.feed import merkle, note, rootdoc, wire  # noqa: E402
from member_portal.feed.setdigest import SetDigest  # noqa: E402
from member_portal.feed.sha import sha256 as fast_sha256  # noqa: E402

ORIGIN = "bench.hashbank.example/log"


def build_page(n: int, with_values: bool) -> tuple[bytes, str, str]:
    signer = note.Signer.from_seed(ORIGIN, hashlib.sha256(b"bench").digest())
    records = []
    active = SetDigest()
    compact = merkle.CompactRange()
    now = int(time.time())
    code = leaves.SIGNAL_TYPE_CODES["pdq"]
    for _ in range(n):
        salt, value = os.urandom(16), os.urandom(32)
        digest = leaves.value_digest(salt, "pdq", 90, value)
        raw = leaves.encode_add(type_code=code, timestamp=now, digest=digest)
        records.append((raw, wire.encode_payload(salt, 90, value) if with_values else b""))
        active.add(digest)
    compact.extend(raw for raw, _ in records)
    body = checkpoints.Checkpoint(ORIGIN, n, compact.root(), now, active.count, active.digest())
    root_doc = note.sign(rootdoc.render(ORIGIN, 1, now + 86400, [signer.verifier]), [signer])
    return wire.encode_entries(0, records), note.sign(body.text(), [signer]), root_doc


def raw_sha256_rate(n: int, sha) -> float:
    data = [os.urandom(52) for _ in range(min(n, 200_000))]
    best = 0.0
    for _ in range(3):
        t0 = time.perf_counter()
        for item in data:
            sha(item).digest()
        best = max(best, len(data) / (time.perf_counter() - t0))
    return best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=1_000_000)
    args = parser.parse_args()
    openssl_rate = raw_sha256_rate(args.entries, hashlib.sha256)
    sha_rate = raw_sha256_rate(args.entries, fast_sha256)
    print(
        f"raw SHA-256 of one 52-byte leaf: {sha_rate:,.0f}/s with {fast_sha256.__module__}."
        f"sha256 (the verifier's), {openssl_rate:,.0f}/s with hashlib.sha256 (OpenSSL)"
    )
    for with_values in (False, True):
        page, checkpoint_note, root_doc = build_page(args.entries, with_values)
        root = verify.trust_root(root_doc)
        best = float("inf")
        for _ in range(3):
            t0 = time.perf_counter()
            state = verify.apply_entries_page(verify.FeedState(root=root), checkpoint_note, page)
            best = min(best, time.perf_counter() - t0)
        assert state.size == args.entries
        rate = args.entries / best
        what = "leaves + disclosed values" if with_values else "leaves only (values purged)"
        hashes = 4 if with_values else 3  # leaf hash, set element, ~1 node (+ value digest)
        print(
            f"verifier, {args.entries:,} entries, {what}: {best:.2f} s = {rate:,.0f} entries/s "
            f"({len(page) / best / 1e6:.0f} MB/s); {rate / sha_rate:.0%} of raw SHA-256 calls/s, "
            f"{rate * hashes / sha_rate:.0%} counting the {hashes} hashes each entry needs"
        )


if __name__ == "__main__":
    main()
