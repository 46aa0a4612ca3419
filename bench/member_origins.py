"""Benchmark a member subscribed to 3 origins of 1,000,000 signals each (issue 18): bootstrap
time of `hashbank-member sync`, PDQ match p99 across all origins, resident memory.

    .venv/bin/python bench/member_origins.py                  # 3 origins x 1,000,000 signals
    .venv/bin/python bench/member_origins.py --signals 100000 --origins 3

One test HTTP server plays the carrier bank: its own origin under /api/v1/ (with a snapshot, as
the bank builds them), the other origins under /api/v1/origins/<id>/ WITHOUT snapshots (a mirror
builds none: hashbank.mirrors.selectors.write_snapshot), and GET /api/v1/origins with the signed
origins list. Each origin is a synthetic feed signed with its own key (bench/member_client.py's
Feed). The client runs as members run it, in a process of its own (`python -m
member_portal.client sync`, then `match`'s matcher in another), so its peak RSS is its own.
Prints figures; asserts nothing. Targets: bootstrap < 90 s, PDQ p99 < 5 ms, RSS < 600 MB. The
match times are given as wall time and as the matching thread's CPU time: on a loaded machine
the wall p99 is mostly the wait for a CPU, which the CPU time leaves out.
"""

from __future__ import annotations

import argparse
import gzip
import http.server
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from member_client import Feed, rss_mb  # noqa: E402

from member_portal.feed import checkpoint as checkpoints  # noqa: E402
from member_portal.feed import merkle, note, rootdoc, wire  # noqa: E402
from member_portal.feed import origins as origins_list  # noqa: E402


class OriginFeed(Feed):
    """bench/member_client.py's Feed under an origin (and key) of its own."""

    def __init__(self, origin: str) -> None:
        self.origin = origin
        super().__init__()
        self.signer = note.Signer.generate(origin.split("/")[0])
        self.root = note.sign(
            rootdoc.render(origin, 1, int(time.time()) + 86400, [self.signer.verifier]),
            [self.signer],
        )

    def seal(self, *, with_snapshot: bool = False) -> None:
        super().seal(with_snapshot=with_snapshot)
        # Feed signs for its fixed ORIGIN: re-sign the same body under this origin.
        text, _ = note.split(self.note)
        body = checkpoints.parse(text)
        own = checkpoints.Checkpoint(
            self.origin,
            body.size,
            body.root,
            body.time,
            body.active_count,
            body.active_digest,
            body.scheme,
        )
        self.note = note.sign(own.text(), [self.signer])
        if with_snapshot:
            raise SystemExit("snapshots are built by CarrierServer for the carrier only")


def snapshot_of(feed: OriginFeed) -> bytes:
    """The gzip snapshot of `feed` at its latest checkpoint (as the bank builds it)."""
    before = merkle.CompactRange()
    before.extend(feed.leaves[:-1])
    parts = [
        wire.encode_snapshot_header(feed.note, before.to_bytes(), len(feed.active), feed.leaves[-1])
    ]
    parts += [
        wire.encode_active_record(s, c, q, salt, v)
        for s, (c, q, salt, v, _d) in feed.active.items()
    ]
    return gzip.compress(b"".join(parts), compresslevel=1)


def serve(carrier: OriginFeed, carried: list[OriginFeed]) -> http.server.ThreadingHTTPServer:
    by_id = {origins_list.origin_id(f.origin): f for f in carried}
    snapshot = snapshot_of(carrier)
    feeds = [carrier, *carried]
    entries = [origins_list.OriginEntry.of(f.origin, f.root) for f in feeds]
    signed_list = origins_list.sign(carrier.origin, int(time.time()), entries, [carrier.signer])
    listing = json.dumps(
        {
            "carrier": carrier.origin,
            "signed_list": signed_list,
            "origins": [
                {
                    "id": origins_list.origin_id(f.origin),
                    "origin": f.origin,
                    "local": f is carrier,
                    "root_document": f.root,
                    "frozen": False,
                }
                for f in feeds
            ],
        }
    ).encode()

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
            if path == "/api/v1/origins":
                return self._send(listing)
            prefix, feed = "/api/v1", carrier
            if path.startswith("/api/v1/origins/"):
                oid = path.split("/")[4]
                feed = by_id.get(oid)
                prefix = f"/api/v1/origins/{oid}"
                if feed is None:
                    return self._send(b'{"error": {"code": "unknown_origin"}}', 404)
            rest = path[len(prefix) :]
            if rest == "/roots":
                self._send(json.dumps({"roots": [feed.root]}).encode())
            elif rest == "/checkpoint":
                self._send(feed.note.encode())
            elif rest == "/snapshot" and feed is carrier:
                self._send(snapshot)
            elif rest == "/snapshot":
                self._send(b'{"error": {"code": "no_snapshot", "message": "none"}}', 404)
            elif rest == "/entries":
                args = dict(p.split("=") for p in query.split("&"))
                start, size = int(args["from"]), int(args["size"])
                end = min(size, start + 50_000)
                body = wire.encode_entries(
                    start, zip(feed.leaves[start:end], feed.payloads[start:end], strict=True)
                )
                more = f'<{prefix}/entries?from={end}&size={size}>; rel="next"'
                self._send(body, **({"Link": more} if end < size else {}))
            else:
                self._send(b"{}", 404)

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            self._send(b"{}")

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


# `python -m member_portal.client`, reporting the process's own peak RSS (VmHWM) on stderr.
SYNC = """
import sys
from member_portal.client.cli import main
code = main(sys.argv[1:])
status = open('/proc/self/status').read()
sys.stderr.write('VmHWM ' + status.split('VmHWM:')[1].split()[0] + '\\n')
sys.exit(code)
"""

MATCHER = """
import json, os, sys, time
import numpy as np
from member_portal.client import cli
from member_portal.client.matcher import Matcher
from member_portal.client.store import Store
from member_portal.client import origins
state, queries = sys.argv[1], int(sys.argv[2])
def rss():
    return int(open('/proc/self/statm').read().split()[1]) * os.sysconf('SC_PAGE_SIZE') / 2**20
base = rss()
paths = [state] + [str(p) for p in origins.other_origin_paths(__import__('pathlib').Path(state))]
started = time.perf_counter()
matchers = []
for path in paths:
    with Store(path) as store:
        matchers.append(Matcher(store.rows('pdq'), ((s, v) for s, v, _ in store.rows('md5'))))
build = time.perf_counter() - started
rng = np.random.default_rng(1)
times, cpu, found = [], [], 0
for i in range(queries):
    codes = matchers[i % len(matchers)].pdq.codes
    q = codes[rng.integers(len(codes))].copy()
    for b in rng.choice(256, int(rng.integers(0, 32)), replace=False):
        q[b // 8] ^= 1 << (b % 8)
    if i % 2:
        q = rng.integers(0, 256, 32, dtype=np.uint8)
    t, c = time.perf_counter(), time.thread_time()
    found += any(bool(m.match_pdq(q.tobytes())) for m in matchers)
    times.append(time.perf_counter() - t)
    cpu.append(time.thread_time() - c)
times.sort()
cpu.sort()
pct = lambda p, xs=times: xs[min(len(xs) - 1, int(len(xs) * p))] * 1000
print(json.dumps({"origins": len(matchers), "indexed": sum(len(m.pdq) for m in matchers),
    "build_s": round(build, 1), "p50_ms": round(pct(0.5), 2), "p99_ms": round(pct(0.99), 2),
    "cpu_p50_ms": round(pct(0.5, cpu), 2), "cpu_p99_ms": round(pct(0.99, cpu), 2),
    "hits": found, "queries": queries, "rss_mb": round(rss()), "base_mb": round(base)}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--signals", type=int, default=1_000_000, help="per origin")
    parser.add_argument("--origins", type=int, default=3)
    parser.add_argument("--queries", type=int, default=2000)
    args = parser.parse_args()

    started = time.perf_counter()
    feeds = [OriginFeed(f"bank-{i}.bench.example/hashbank") for i in range(args.origins)]
    for feed in feeds:
        feed.add(args.signals - 10_000)
        feed.add(10_000, "md5")
        feed.seal()
    print(
        f"synthetic feeds: {args.origins} origins x {args.signals:,} signals, built in "
        f"{time.perf_counter() - started:.1f} s (RSS of the bench's server {rss_mb():.0f} MB)"
    )
    server = serve(feeds[0], feeds[1:])
    url = f"http://127.0.0.1:{server.server_address[1]}"
    with tempfile.TemporaryDirectory() as tmp:
        state, root = os.path.join(tmp, "state.sqlite"), os.path.join(tmp, "root.note")
        Path(root).write_text(feeds[0].root)
        env = {**os.environ, "HASHBANK_TOKEN": "hbk_bench", "PYTHONPATH": str(ROOT)}
        command = [sys.executable, "-c", SYNC, "--state", state, "--json"]
        t = time.perf_counter()
        out = subprocess.run(
            [*command, "sync", "--server", url, "--root", root, "--no-ack"],
            env=env, capture_output=True, text=True, check=True,
        )  # fmt: skip
        wall = time.perf_counter() - t
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = usage.ru_utime + usage.ru_stime
        # The child's own high-water mark (its ru_maxrss also counts this process's, which it
        # borrowed between vfork and exec: the synthetic feeds are gigabytes at full size).
        peak = int(out.stderr.split("VmHWM")[-1].split()[0]) / 1024
        result = json.loads(out.stdout)
        per = ", ".join(
            f"{o['origin'].split('.')[0]} {o['synced']['seconds']:.1f} s"
            + (" (snapshot)" if o["local"] else " (entries)")
            for o in result["origins"]
        )
        active = sum(o["synced"]["active"] for o in result["origins"])
        print(
            f"bootstrap: {active:,} active signals over {len(result['origins'])} origins, "
            f"downloaded, verified and stored in {wall:.1f} s wall, {cpu:.1f} s CPU ({per}); "
            f"peak RSS of the "
            f"sync process {peak:.0f} MB"
        )
        server.shutdown()
        out = subprocess.run(
            [sys.executable, "-c", MATCHER, state, str(args.queries)],
            env=env, capture_output=True, text=True, check=True,
        )  # fmt: skip
        m = json.loads(out.stdout)
        print(
            f"matcher: {m['indexed']:,} PDQ over {m['origins']} origins indexed in {m['build_s']} s; "
            f"PDQ match across all origins (distance 31, {m['queries']} queries, {m['hits']} hits): "
            f"p50 {m['p50_ms']} ms, p99 {m['p99_ms']} ms wall; CPU time p50 {m['cpu_p50_ms']} ms, "
            f"p99 {m['cpu_p99_ms']} ms (load average {os.getloadavg()[0]:.1f} on "
            f"{os.cpu_count()} CPUs); RSS with the matchers loaded {m['rss_mb']} MB "
            f"(interpreter + numpy {m['base_mb']} MB)"
        )


if __name__ == "__main__":
    main()
