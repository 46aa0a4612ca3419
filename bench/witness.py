"""Benchmark the witness: `POST /witness/add-checkpoint` latency on loopback (a real HTTP server in
this process, Django's WSGI handler, one request at a time), each request growing a peer's log by
a batch with a consistency proof, as a log's checkpoint submission does. Target: p99 under 20 ms.

    .venv/bin/python bench/witness.py
    .venv/bin/python bench/witness.py --requests 5000 --database postgres://postgres@127.0.0.1:5432/hb_bench_witness

Without --database it runs on a fresh SQLite file in a temporary directory (the embedded default);
a PostgreSQL database named there is dropped and recreated (it is the benchmark's own). Prints
figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import base64
import functools
import hashlib
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from wsgiref.simple_server import WSGIRequestHandler, make_server

from _scratch import recreate_database  # bench/ is the script's own directory

ROOT = Path(__file__).resolve().parent.parent
ORIGIN = "peer.example.org/hashbank"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--batch", type=int, default=100, help="leaves added per checkpoint")
    parser.add_argument("--database", default="", help="postgres://... (default: SQLite file)")
    return parser.parse_args()


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args) -> None:
        pass


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))]


def main() -> None:
    args = parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="hb-bench-witness-"))
    if args.database:
        recreate_database(args.database)
        os.environ["DATABASE_URL"] = args.database
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'witness.sqlite3'}"
    os.environ.pop("REDIS_URL", None)
    os.environ.pop("HASHBANK_SIGNING_KEYS", None)
    os.environ["HASHBANK_KEY_DIR"] = str(workdir / "keys")
    os.environ["HASHBANK_VAR_DIR"] = str(workdir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hashbank.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.management import call_command

    from hashbank.witness import services
    from member_portal.feed import merkle, note
    from member_portal.feed import witness as wire

    call_command("migrate", verbosity=0)
    services.init_key(actor="bench")
    signer = note.Signer.from_seed(ORIGIN, hashlib.sha256(b"bench peer").digest())
    services.add_log(origin=ORIGIN, vkeys=[str(signer.verifier)], actor="bench")

    total = args.requests * args.batch
    leaf_hashes = [merkle.leaf_hash(i.to_bytes(8, "big")) for i in range(total)]

    @functools.cache
    def perfect(level: int, index: int) -> bytes:
        if level == 0:
            return leaf_hashes[index]
        return merkle.node_hash(perfect(level - 1, 2 * index), perfect(level - 1, 2 * index + 1))

    def body(old: int, size: int) -> bytes:
        root = merkle.subtree_root(0, size, perfect)
        text = f"{ORIGIN}\n{size}\n{base64.b64encode(root).decode()}\n"
        proof = tuple(merkle.consistency_path(old, size, perfect)) if old else ()
        return wire.AddCheckpoint(old, proof, note.sign(text, [signer])).encode()

    bodies = [body(i * args.batch, (i + 1) * args.batch) for i in range(args.requests)]

    server = make_server("127.0.0.1", 0, WSGIHandler(), handler_class=QuietHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/witness/add-checkpoint"

    latencies = []
    start = time.perf_counter()
    for data in bodies:
        request = urllib.request.Request(url, data=data, headers={"Content-Type": "text/plain"})
        began = time.perf_counter()
        with urllib.request.urlopen(request) as response:
            response.read()
            if response.status != 200:
                raise SystemExit(f"witness answered {response.status}")
        latencies.append((time.perf_counter() - began) * 1000)
    elapsed = time.perf_counter() - start
    server.shutdown()

    vendor = "PostgreSQL" if args.database else "SQLite"
    print(
        f"witness add-checkpoint on loopback ({vendor}), {args.requests} requests of +{args.batch}"
    )
    print(f"  p50 {statistics.median(latencies):.2f} ms")
    print(f"  p90 {percentile(latencies, 0.90):.2f} ms")
    print(f"  p99 {percentile(latencies, 0.99):.2f} ms (target < 20 ms)")
    print(f"  max {max(latencies):.2f} ms")
    print(f"  {args.requests / elapsed:.0f} requests/s one at a time; final size {total}")
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
