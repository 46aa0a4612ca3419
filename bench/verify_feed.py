"""Benchmark the member-side verifier: entries per second through member_portal.verify (entries
page decoded, every leaf parsed, every payload checked against its leaf's digest, leaves appended
to the compact range, root and active set compared with the signed checkpoint), and the ratio to
raw SHA-256 speed in this Python (one hashlib.sha256 call per 52-byte leaf). Old and new state
commitment side by side: the additive digest (a log before its switch, `active` line) and the
LtHash16 state (a state entry every --seal entries, as the bank's seals write them, `state` line).

    .venv/bin/python bench/verify_feed.py [--entries 1000000] [--seal 10000]

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
from member_portal.feed.lthash import LtHash  # noqa: E402
from member_portal.feed.setdigest import SetDigest  # noqa: E402
from member_portal.feed.sha import sha256 as fast_sha256  # noqa: E402

ORIGIN = "bench.hashbank.example/log"


def build_page(n: int, with_values: bool, seal: int | None) -> tuple[bytes, str, str]:
    """n entries; with `seal`, a state entry after every `seal` adds (counted in n)."""
    signer = note.Signer.from_seed(ORIGIN, hashlib.sha256(b"bench").digest())
    records = []
    active = SetDigest()
    state = LtHash()
    compact = merkle.CompactRange()
    now = int(time.time())
    code = leaves.SIGNAL_TYPE_CODES["pdq"]
    batch: list[bytes] = []
    while len(records) < n:
        if seal is not None and (len(batch) == seal or len(records) == n - 1):
            state.add_many(batch)
            batch = []
            raw = leaves.encode_state(timestamp=now, digest=state.digest(), count=state.count)
            records.append((raw, b""))
            continue
        salt, value = os.urandom(16), os.urandom(32)
        digest = leaves.value_digest(salt, "pdq", 90, value)
        raw = leaves.encode_add(type_code=code, timestamp=now, digest=digest)
        records.append((raw, wire.encode_payload(salt, 90, value) if with_values else b""))
        active.add(digest)
        batch.append(digest)
    compact.extend(raw for raw, _ in records)
    if seal is None:
        body = checkpoints.Checkpoint(ORIGIN, n, compact.root(), now, active.count, active.digest())
    else:
        body = checkpoints.Checkpoint(
            ORIGIN, n, compact.root(), now, state.count, state.digest(), checkpoints.STATE
        )
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
    parser.add_argument("--seal", type=int, default=10_000, help="adds per state entry")
    args = parser.parse_args()
    openssl_rate = raw_sha256_rate(args.entries, hashlib.sha256)
    sha_rate = raw_sha256_rate(args.entries, fast_sha256)
    print(
        f"raw SHA-256 of one 52-byte leaf: {sha_rate:,.0f}/s with {fast_sha256.__module__}."
        f"sha256 (the verifier's), {openssl_rate:,.0f}/s with hashlib.sha256 (OpenSSL)"
    )
    for with_values in (False, True):
        what = "leaves + disclosed values" if with_values else "leaves only (values purged)"
        for label, seal in (("before switch: active", None), ("after switch: state", args.seal)):
            page, checkpoint_note, root_doc = build_page(args.entries, with_values, seal)
            root = verify.trust_root(root_doc)
            best = float("inf")
            for _ in range(3):
                t0 = time.perf_counter()
                state = verify.apply_entries_page(
                    verify.FeedState(root=root), checkpoint_note, page
                )
                best = min(best, time.perf_counter() - t0)
            assert state.size == args.entries
            rate = args.entries / best
            hashes = 4 if with_values else 3  # leaf hash, set element, ~1 node (+ value digest)
            print(
                f"{label:22s} {args.entries:,} entries, {what}: {best:.2f} s = {rate:,.0f} "
                f"entries/s ({len(page) / best / 1e6:.0f} MB/s); {rate / sha_rate:.0%} of raw "
                f"SHA-256 calls/s, {rate * hashes / sha_rate:.0%} counting {hashes} hashes/entry"
            )


if __name__ == "__main__":
    main()
