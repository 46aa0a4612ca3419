"""Benchmark a mirror's catch-up: bank B mirrors bank A (two processes on loopback, each a bank
of its own: `manage.py runserver`, its own SQLite file or PostgreSQL database, keys and tiles).
A is seeded with `--entries` signals with payloads (tests/seeding.py, sealed, tiles written); B
peers with A (`peers add`) and `manage.py mirrors sync` copies, proves and stores them all.
Then A seals `--follow` more entries and B syncs again: the entries per second of that sync is
what B keeps up with. Target: 1,000,000 entries under 60 s; keeping up with 5,000 entries/s.
Last, a member of B downloads the snapshot of A's origin that B builds from its mirror on the
first request and serves from that file after (`/api/v1/origins/<id>/snapshot`): the first
request's time (the build; `--snapshot-rounds` times, B's file dropped before each, as a new
mirrored size drops it) beside the cached requests' (the median of five after each), and its size.

    .venv/bin/python bench/mirror_catchup.py                    # 1,000,000 entries
    .venv/bin/python bench/mirror_catchup.py --entries 100000 --follow 50000
    .venv/bin/python bench/mirror_catchup.py --postgres postgres://postgres@127.0.0.1:5432/hb_bench_mirror
    .venv/bin/python bench/mirror_catchup.py --entries 200000 --follow 50000 --pipeline on
    .venv/bin/python bench/mirror_catchup.py --entries 60000 --follow 1000 --pipeline on  # the snapshot

With --postgres, each bank gets a database of its own (the URL's name with `_a`, `_b`, `_c`
appended, dropped and recreated: the benchmark's own); else SQLite files.

`--pipeline both` (the default) mirrors A twice, into B with the fetch-ahead off
(HASHBANK_MIRROR_FETCH_AHEAD=0: one page at a time, fetched, verified and stored in turn) and
into C with it on (the default depth), one after the other, and prints them side by side with
the projected time for 1,000,000 entries; `--pipeline off|on` runs only one of them.

Prints the figures and the machine's load; asserts nothing. The directories are removed at the
end.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _scratch import recreate_database  # noqa: E402 (bench/ is the script's own directory)

from tests.publishing.banks import Bank  # noqa: E402 (the repository on the path first)

SEED = "from tests.seeding import seed_active_signals as s; s({n})"
DROP = "from member_portal.api.services import drop_mirrored_snapshots as d; d(origin_id={oid!r})"


PIPELINES = {"off": "0", "on": ""}  # "": the setting's default


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--follow", type=int, default=100_000, help="entries sealed after")
    parser.add_argument("--postgres", default="", help="a database URL whose name is a prefix")
    parser.add_argument("--pipeline", choices=("off", "on", "both"), default="both")
    parser.add_argument("--snapshot-rounds", type=int, default=3, help="first requests timed")
    return parser.parse_args()


def manage(bank: Bank, *args: str) -> str:
    """bank.manage without its 5-minute cap (seeding a million signals takes longer on a busy
    machine)."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=bank.env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, f"manage.py {' '.join(args)}: {result.stderr}"
    return result.stdout


def timed(bank: Bank, *args: str) -> tuple[float, str]:
    started = time.perf_counter()
    out = manage(bank, *args)
    return time.perf_counter() - started, out


def synced_size(out: str) -> int:
    return int(out.split("at size ")[1].split()[0])


def load() -> str:
    return "load average " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


def catch_up(mirror: Bank, origin: Bank) -> tuple[int, float]:
    """`mirrors sync` of a mirror that has nothing yet: (entries, seconds without the command's
    own start-up)."""
    startup, _ = timed(mirror, "mirrors", "status")  # the command's own start-up
    took, out = timed(mirror, "mirrors", "sync")
    return synced_size(out), took - startup


def snapshot_request(bank: Bank, oid: str):
    """(seconds, response) of one member request for A's origin's snapshot from `bank`."""
    started = time.perf_counter()
    response = bank.get(f"/api/v1/origins/{oid}/snapshot", Authorization=f"Bearer {bank.token}")
    return time.perf_counter() - started, response


def main() -> None:
    args = parse_args()
    modes = ["off", "on"] if args.pipeline == "both" else [args.pipeline]
    work = Path(tempfile.mkdtemp(prefix="mirror-bench-"))
    a = Bank("a", work / "a")
    mirrors = {}
    for mode, name in zip(modes, ("b", "c"), strict=False):
        settings = {"HASHBANK_MIRROR_INTERVAL": "3600"}
        if PIPELINES[mode]:
            settings["HASHBANK_MIRROR_FETCH_AHEAD"] = PIPELINES[mode]
        mirrors[mode] = Bank(name, work / name, **settings)
    banks = [a, *mirrors.values()]
    for bank in banks:
        (work / bank.name).mkdir()
        if args.postgres:
            url = f"{args.postgres}_{bank.name}"
            recreate_database(url)
            bank.env["DATABASE_URL"] = url
    print(f"before: {load()}, {os.cpu_count()} CPUs")
    try:
        for bank in banks:
            bank.first_start()
        seeded, _ = timed(a, "shell", "-v", "0", "-c", SEED.format(n=args.entries))
        print(f"A seeded and sealed {args.entries:,} signals in {seeded:.1f} s")
        for bank in banks:
            bank.start()
        for mirror in mirrors.values():
            mirror.peer_with(a)
        figures = {}
        for mode, mirror in mirrors.items():
            size, net = catch_up(mirror, a)
            figures[mode] = [size, net]
            print(f"catch-up, fetch-ahead {mode}: {size:,} entries in {net:.1f} s ({load()})")
        seeded, _ = timed(a, "shell", "-v", "0", "-c", SEED.format(n=args.follow))
        print(f"A sealed {args.follow:,} more signals in {seeded:.1f} s")
        for mode, mirror in mirrors.items():
            startup, _ = timed(mirror, "mirrors", "status")
            took, out = timed(mirror, "mirrors", "sync")
            figures[mode] += [synced_size(out) - figures[mode][0], took - startup]
        print()
        print(
            f"{'fetch-ahead':<12}{'catch-up entries/s':>20}{'1M projected':>14}{'follow entries/s':>18}"
        )
        for mode, (size, net, grown, follow) in figures.items():
            print(
                f"{mode:<12}{size / net:>20,.0f}{1e6 * net / size:>12.1f} s{grown / follow:>18,.0f}"
            )
        print(
            f"\nafter: {load()}  (targets: 1M under 60 s, i.e. > 16,700 entries/s; follow > 5,000)"
        )
        oid = hashlib.sha256(a.origin.encode()).hexdigest()
        mode, b = next(iter(mirrors.items()))
        mirrored = figures[mode][0] + figures[mode][2]
        for _round in range(args.snapshot_rounds):
            manage(b, "shell", "-v", "0", "-c", DROP.format(oid=oid))
            first, snapshot = snapshot_request(b, oid)
            cached = sorted(snapshot_request(b, oid)[0] for _ in range(5))[2]
            print(
                f"snapshot of A's origin from B's mirror at size {mirrored:,}: HTTP "
                f"{snapshot.status}, {len(snapshot.body) / 1e6:,.1f} MB gzip; first (built) "
                f"{first * 1000:,.0f} ms, cached {cached * 1000:,.1f} ms (median of 5) ({load()})"
            )
        if not args.postgres:
            for mirror in mirrors.values():
                size_mb = (mirror.directory / "bank.sqlite3").stat().st_size / 1e6
                print(f"{mirror.name}'s database: {size_mb:,.0f} MB")
    finally:
        for bank in banks:
            bank.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
