"""Benchmark a mirror's catch-up: bank B mirrors bank A (two processes on loopback, each a bank
of its own: `manage.py runserver`, its own SQLite file or PostgreSQL database, keys and tiles).
A is seeded with `--entries` signals with payloads (tests/seeding.py, sealed, tiles written); B
peers with A (`peers add`) and `manage.py mirrors sync` copies, proves and stores them all.
Then A seals `--follow` more entries and B syncs again: the entries per second of that sync is
what B keeps up with. Target: 1,000,000 entries under 60 s; keeping up with 5,000 entries/s.
Last, a member of B downloads the snapshot of A's origin that B builds on request from its mirror
(`/api/v1/origins/<id>/snapshot`): its time and size.

    .venv/bin/python bench/mirror_catchup.py                    # 1,000,000 entries
    .venv/bin/python bench/mirror_catchup.py --entries 100000 --follow 50000
    .venv/bin/python bench/mirror_catchup.py --postgres postgres://postgres@127.0.0.1:5432/hb_bench_mirror

With --postgres, A and B each get a database of their own (the URL's name with `_a` and `_b`
appended, dropped and recreated: the benchmark's own); else SQLite files.

Prints the figures; asserts nothing. A's and B's directories are removed at the end.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _scratch import recreate_database  # noqa: E402 (bench/ is the script's own directory)

from tests.publishing.banks import Bank  # noqa: E402 (the repository on the path first)

SEED = "from tests.seeding import seed_active_signals as s; s({n})"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--follow", type=int, default=100_000, help="entries sealed after")
    parser.add_argument("--postgres", default="", help="a database URL whose name is a prefix")
    return parser.parse_args()


def timed(bank: Bank, *args: str) -> tuple[float, str]:
    started = time.perf_counter()
    out = bank.manage(*args)
    return time.perf_counter() - started, out


def main() -> None:
    args = parse_args()
    work = Path(tempfile.mkdtemp(prefix="mirror-bench-"))
    a = Bank("a", work / "a")
    b = Bank("b", work / "b", HASHBANK_MIRROR_INTERVAL="3600")
    (work / "a").mkdir()
    (work / "b").mkdir()
    if args.postgres:
        for bank in (a, b):
            url = f"{args.postgres}_{bank.name}"
            recreate_database(url)
            bank.env["DATABASE_URL"] = url
    try:
        a.first_start()
        b.first_start()
        seeded, _ = timed(a, "shell", "-v", "0", "-c", SEED.format(n=args.entries))
        print(f"A seeded and sealed {args.entries:,} signals in {seeded:.1f} s")
        a.start()
        b.start()
        b.peer_with(a)
        startup, _ = timed(b, "mirrors", "status")  # the command's own start-up, for reference
        took, out = timed(b, "mirrors", "sync")
        size = int(out.split("at size ")[1].split()[0])
        net = took - startup
        print(
            f"catch-up: {size:,} entries with payloads in {took:.1f} s "
            f"({net:.1f} s without the command's {startup:.1f} s start-up): "
            f"{size / net:,.0f} entries/s"
        )
        seeded, _ = timed(a, "shell", "-v", "0", "-c", SEED.format(n=args.follow))
        took, out = timed(b, "mirrors", "sync")
        grown = int(out.split("at size ")[1].split()[0]) - size
        net = took - startup
        print(
            f"follow: {grown:,} new entries (A sealed them in {seeded:.1f} s) mirrored in "
            f"{net:.1f} s: {grown / net:,.0f} entries/s kept up with"
        )
        oid = hashlib.sha256(a.origin.encode()).hexdigest()
        started = time.perf_counter()
        snapshot = b.get(f"/api/v1/origins/{oid}/snapshot", Authorization=f"Bearer {b.token}")
        took = time.perf_counter() - started
        print(
            f"snapshot of A's origin from B's mirror at size {size + grown:,}: HTTP "
            f"{snapshot.status}, {len(snapshot.body) / 1e6:,.1f} MB gzip in {took:.1f} s"
        )
        if not args.postgres:
            size_mb = (work / "b" / "bank.sqlite3").stat().st_size / 1e6
            print(f"B's database: {size_mb:,.0f} MB")
    finally:
        a.stop()
        b.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
