"""Benchmark the member toolkit: bootstrap of 1,000,000 active signals, a 10,000-entry delta,
PDQ and MD5 match latency, and resident memory of the matcher.

    .venv/bin/python bench/member_client.py                    # 1,000,000 signals
    .venv/bin/python bench/member_client.py --signals 100000

The client runs exactly as members run it (member_portal.client: HTTP download, gunzip, full
verification, SQLite store) against a small HTTP server that serves a synthetic, correctly signed
feed built with member_portal.feed, so the figures are the client's own cost, independent of the
bank's database (bench/member_feed.py measures the server side). Prints figures; asserts nothing.
Targets (issue 6): bootstrap < 30 s; 10k delta < 1 s; PDQ p99 < 5 ms; MD5 p99 < 0.1 ms; RSS for
1M hashes < 300 MB.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import http.server
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from member_portal.feed import checkpoint as checkpoints  # noqa: E402
from member_portal.feed import leaf as leaves  # noqa: E402
from member_portal.feed import merkle, note, rootdoc, wire  # noqa: E402
from member_portal.feed.lthash import LtHash  # noqa: E402

ORIGIN = "bench.hashbank.example/log"


class Feed:
    """An append-only feed held in memory: leaves, payloads, active set, signed checkpoints."""

    def __init__(self) -> None:
        self.signer = note.Signer.generate("bench.hashbank.example")
        expires = int(time.time()) + 86400
        self.root = note.sign(
            rootdoc.render(ORIGIN, 1, expires, [self.signer.verifier]), [self.signer]
        )
        self.leaves: list[bytes] = []
        self.payloads: list[bytes] = []
        self.active: dict[int, tuple] = {}  # seq -> (type code, quality, salt, value, digest)
        self.compact = merkle.CompactRange()
        self.digest = LtHash()  # the state commitment: a state entry ends every seal
        self.snapshot = b""
        self.note = ""

    def add(self, count: int, signal_type: str = "pdq") -> None:
        code, now = leaves.SIGNAL_TYPE_CODES[signal_type], int(time.time())
        size = leaves.VALUE_SIZES[signal_type]
        quality = 90 if signal_type == "pdq" else None
        new = []
        for _ in range(count):
            salt, value = os.urandom(16), os.urandom(size)
            digest = leaves.value_digest(salt, signal_type, quality, value)
            seq = len(self.leaves)
            leaf = leaves.encode_add(type_code=code, timestamp=now, digest=digest)
            self.leaves.append(leaf)
            self.payloads.append(wire.encode_payload(salt, quality, value))
            self.active[seq] = (code, quality, salt, value, digest)
            new.append(leaf)
        self.digest.add_many(leaf[12:44] for leaf in new)
        self.compact.extend(new)

    def remove(self, seqs: list[int]) -> None:
        now, new = int(time.time()), []
        for seq in seqs:
            code, _q, _s, _v, digest = self.active.pop(seq)
            leaf = leaves.encode_remove(
                type_code=code, reason_code=1, timestamp=now, digest=digest, target=seq
            )
            self.leaves.append(leaf)
            self.payloads.append(b"")
            new.append(leaf)
        self.digest.remove_many(leaf[12:44] for leaf in new)
        self.compact.extend(new)

    def seal(self, *, with_snapshot: bool = False) -> None:
        before = merkle.CompactRange(self.compact.size, list(self.compact.hashes))
        state_leaf = leaves.encode_state(
            timestamp=int(time.time()), digest=self.digest.digest(), count=self.digest.count
        )
        self.leaves.append(state_leaf)
        self.payloads.append(b"")
        self.compact.extend([state_leaf])
        cp = checkpoints.Checkpoint(
            ORIGIN,
            len(self.leaves),
            self.compact.root(),
            int(time.time()),
            self.digest.count,
            self.digest.digest(),
            checkpoints.STATE,
        )
        self.note = note.sign(cp.text(), [self.signer])
        if with_snapshot:
            parts = [
                wire.encode_snapshot_header(
                    self.note, before.to_bytes(), len(self.active), state_leaf
                )
            ]
            parts += [
                wire.encode_active_record(seq, c, q, s, v)
                for seq, (c, q, s, v, _d) in self.active.items()
            ]
            self.snapshot = gzip.compress(b"".join(parts), compresslevel=1)


def serve(feed: Feed) -> http.server.ThreadingHTTPServer:
    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def _send(self, body: bytes, status: int = 200, **headers: str) -> None:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name.replace("_", "-"), value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            path, _, query = self.path.partition("?")
            if path == "/api/v1/roots":
                self._send(json.dumps({"roots": [feed.root]}).encode())
            elif path == "/api/v1/checkpoint":
                self._send(feed.note.encode())
            elif path == "/api/v1/snapshot":
                self._send(b"", 302, Location="/api/v1/snapshots/latest")
            elif path.startswith("/api/v1/snapshots/"):
                self._send(feed.snapshot)
            elif path == "/api/v1/entries":
                args = dict(p.split("=") for p in query.split("&"))
                start, size = int(args["from"]), int(args["size"])
                end = min(size, start + 50_000)
                body = wire.encode_entries(
                    start, zip(feed.leaves[start:end], feed.payloads[start:end], strict=True)
                )
                link = (
                    {"Link": f'</api/v1/entries?from={end}&size={size}>; rel="next"'}
                    if end < size
                    else {}
                )
                self._send(body, **link)
            else:
                self._send(b"{}", 404)

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            self._send(b"{}")

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def matcher_figures(state: str, queries: int) -> None:
    """Run in a fresh process: load the matcher from the state file, time queries, report RSS."""
    import numpy as np

    from member_portal.client.matcher import Matcher
    from member_portal.client.store import Store

    base = rss_mb()
    with Store(state) as store:
        started = time.perf_counter()
        matcher = Matcher(store.rows("pdq"), ((s, v) for s, v, _ in store.rows("md5")))
        build = time.perf_counter() - started
    rng = np.random.default_rng(1)
    codes, md5s = matcher.pdq.codes, matcher.md5
    pdq_times, md5_times, pdq_cpu, found = [], [], [], 0
    for i in range(queries):
        q = codes[rng.integers(len(codes))].copy()
        for b in rng.choice(256, int(rng.integers(0, 32)), replace=False):
            q[b // 8] ^= 1 << (b % 8)
        if i % 2:
            q = rng.integers(0, 256, 32, dtype=np.uint8)  # half of the queries match nothing
        t, c = time.perf_counter(), time.thread_time()
        found += bool(matcher.match_pdq(q.tobytes()))
        pdq_times.append(time.perf_counter() - t)
        pdq_cpu.append(time.thread_time() - c)
        value = md5s[i % len(md5s)] if len(md5s) else os.urandom(16)
        if i % 2:
            value = hashlib.md5(value).digest()  # a miss
        t = time.perf_counter()
        matcher.match_md5(value)
        md5_times.append(time.perf_counter() - t)
    pdq_times.sort()
    pdq_cpu.sort()
    md5_times.sort()

    def pct(values: list[float], p: float) -> float:
        return values[min(len(values) - 1, int(len(values) * p))] * 1000

    print(
        f"matcher: {len(matcher.pdq):,} PDQ + {len(matcher.md5):,} MD5 indexed in {build:.1f} s; "
        f"index {matcher.pdq.nbytes / max(len(matcher.pdq), 1):.0f} bytes/hash"
    )
    print(
        f"PDQ match (distance 31, {queries} queries, {found} hits): p50 {pct(pdq_times, 0.5):.2f} ms, "
        f"p99 {pct(pdq_times, 0.99):.2f} ms wall; CPU time p50 {pct(pdq_cpu, 0.5):.2f} ms, "
        f"p99 {pct(pdq_cpu, 0.99):.2f} ms (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)"
    )
    print(
        f"MD5 match: p50 {pct(md5_times, 0.5) * 1000:.1f} us, p99 {pct(md5_times, 0.99) * 1000:.1f} us"
    )
    print(
        f"RSS with the matcher loaded: {rss_mb():.0f} MB (interpreter + numpy before loading: {base:.0f} MB)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--signals", type=int, default=1_000_000)
    parser.add_argument("--md5", type=int, default=10_000, help="MD5 signals among them")
    parser.add_argument("--delta", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument("--matcher-only", metavar="STATE", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.matcher_only:
        matcher_figures(args.matcher_only, args.queries)
        return

    from member_portal.client.bank import Bank
    from member_portal.client.store import Store
    from member_portal.client.sync import sync

    started = time.perf_counter()
    feed = Feed()
    feed.add(args.signals - args.md5)
    feed.add(args.md5, "md5")
    feed.seal(with_snapshot=True)
    print(
        f"synthetic feed: {args.signals:,} signals, snapshot {len(feed.snapshot) / 2**20:.1f} MB gzip, "
        f"built in {time.perf_counter() - started:.1f} s"
    )
    server = serve(feed)
    bank = Bank(f"http://127.0.0.1:{server.server_address[1]}", "hbk_bench")
    with tempfile.TemporaryDirectory() as tmp:
        state = os.path.join(tmp, "state.sqlite")
        cpu = time.process_time()
        with Store(state) as store:
            result = sync(store, bank, root_text=feed.root)
        print(
            f"bootstrap: {result.active:,} active signals downloaded, verified and stored in "
            f"{result.seconds:.2f} s wall, {time.process_time() - cpu:.2f} s CPU "
            f"(state file {os.path.getsize(state) / 2**20:.0f} MB)"
        )

        removes = random.Random(1).sample(sorted(feed.active), args.delta // 10)
        feed.add(args.delta - len(removes))
        feed.remove(removes)
        feed.seal()
        cpu = time.process_time()
        with Store(state) as store:
            result = sync(store, bank)
        print(
            f"delta: {args.delta:,} entries (+{result.added:,} -{result.removed:,}) fetched, verified "
            f"and applied in {result.seconds * 1000:.0f} ms wall, "
            f"{(time.process_time() - cpu) * 1000:.0f} ms CPU"
        )
        server.shutdown()
        subprocess.run(
            [sys.executable, __file__, "--matcher-only", state, "--queries", str(args.queries)],
            check=True,
        )


if __name__ == "__main__":
    main()
