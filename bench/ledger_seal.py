"""Benchmark sealing on PostgreSQL: 1,000,000 signals submitted in bulk, sealed and signed (entries
per second end to end), and the cost of one 10,000-entry seal on a 100k and on a ~1M log; each
without and with the tlog-tiles files written after the seal (hashbank/ledger/tiles.py), side by
side: the same number of signals is sealed once with tiles off, then once more with tiles on.

    .venv/bin/python bench/ledger_seal.py
    .venv/bin/python bench/ledger_seal.py --signals 200000 --database postgres://postgres@127.0.0.1:5432/hb_bench_small

The database is dropped and recreated on every run (it is the benchmark's own). Prints figures;
asserts nothing. Targets (issue 3): >= 20,000 entries/s end to end; a 10k seal costs the same on a
100k log as on a 1M log. Issue 13: >= 30,000 entries/s sealed with tiles written at 1M.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from _scratch import recreate_database  # bench/ is the script's own directory

ROOT = Path(__file__).resolve().parent.parent


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--signals", type=int, default=1_000_000)
    parser.add_argument("--small-log", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=10_000)
    parser.add_argument(
        "--submitters", type=int, default=2, help="concurrent submitting connections"
    )
    parser.add_argument("--database", default="postgres://postgres@127.0.0.1:5432/hb_bench_ledger")
    return parser.parse_args()


def setup_django(url: str, key_dir: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["HASHBANK_KEY_DIR"] = key_dir
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hashbank.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def set_tiles(directory: str) -> None:
    """Tiles on (a directory) or off (empty): services.seal writes them after each commit."""
    from django.conf import settings

    settings.HASHBANK_TILES_DIR = directory


def catch_up_tiles(directory: str) -> None:
    """Write the tiles of the log so far (once, before timing seals with tiles on)."""
    from hashbank.ledger import tiles

    set_tiles(directory)
    t0 = time.perf_counter()
    done = tiles.publish()
    print(
        f"tiles caught up to {done.size:,} entries: {len(done.written):,} files in "
        f"{time.perf_counter() - t0:.1f} s"
    )


def seal_all() -> int:
    """Seal until nothing is pending; returns the number of seals."""
    from hashbank.ledger import services
    from hashbank.signals.models import Change

    seals = 0
    while Change.objects.exists():
        services.seal()
        seals += 1
    return seals


def submit_concurrently(count: int, submitters: int) -> None:
    """`count` signals from `submitters` threads, each on its own database connection, as
    submissions arrive from several web workers at once."""
    import threading

    from django.db import connection

    from tests.seeding import pending_signals

    def submit(share: int) -> None:
        try:
            pending_signals(share)
        finally:
            connection.close()

    shares = [count // submitters + (i < count % submitters) for i in range(submitters)]
    threads = [threading.Thread(target=submit, args=(share,)) for share in shares]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def timed_seal_of(batch: int) -> tuple[float, float, int]:
    """Queue `batch` signals, then time one seal of exactly that batch."""
    from hashbank.ledger import services
    from hashbank.ledger.models import TreeState
    from tests.seeding import pending_signals

    pending_signals(batch)
    before = TreeState.objects.get(id=1).size
    t0 = time.perf_counter()
    checkpoint = services.seal()
    elapsed = time.perf_counter() - t0
    assert (
        checkpoint is not None and checkpoint.size == before + batch
    )  # sanity, not a timing assert
    return elapsed, batch / elapsed, before


def ten_k_seals(batch: int, label: str) -> float:
    results = [timed_seal_of(batch) for _ in range(3)]
    best = min(r[0] for r in results)
    print(
        f"{batch}-entry seal on a {results[0][2]:,}-entry log, {label}: "
        + ", ".join(f"{r[0] * 1000:.0f} ms" for r in results)
        + f" (best {best * 1000:.0f} ms, {batch / best:,.0f} entries/s)"
    )
    return best


def end_to_end(signals: int, submitters: int, label: str) -> float:
    from hashbank.ledger.models import TreeState

    start_size = TreeState.objects.get(id=1).size
    t0 = time.perf_counter()
    submit_concurrently(signals, submitters)
    t1 = time.perf_counter()
    seals = seal_all()
    t2 = time.perf_counter()
    total = TreeState.objects.get(id=1).size - start_size
    print(
        f"{total:,} signals, {label}: submit {t1 - t0:.1f} s from {submitters} connection(s) "
        f"({total / (t1 - t0):,.0f}/s), "
        f"seal+sign {t2 - t1:.1f} s in {seals} seal(s) ({total / (t2 - t1):,.0f}/s), "
        f"end to end {t2 - t0:.1f} s = {total / (t2 - t0):,.0f} entries/s"
    )
    return total / (t2 - t1)


def main() -> None:
    args = parse_args()
    recreate_database(args.database)
    setup_django(args.database, tempfile.mkdtemp(prefix="hb-bench-ledger-keys-"))
    from hashbank.ledger import roots, services
    from hashbank.ledger.models import TreeState
    from tests.seeding import pending_signals

    tiles_dir = tempfile.mkdtemp(prefix="hb-bench-ledger-tiles-")
    set_tiles("")
    roots.init_keys()
    services.seal()

    print(f"database {args.database}, tiles in {tiles_dir}")
    pending_signals(args.small_log)
    seal_all()
    small_off = ten_k_seals(args.batch, "without tiles")
    catch_up_tiles(tiles_dir)
    small_on = ten_k_seals(args.batch, "with tiles")

    set_tiles("")
    off = end_to_end(args.signals, args.submitters, "without tiles")
    catch_up_tiles(tiles_dir)
    on = end_to_end(args.signals, args.submitters, "with tiles")
    print(
        f"sealing entries/s: {off:,.0f} without tiles, {on:,.0f} with tiles "
        f"({on / off:.0%}; target >= 30,000 with tiles)"
    )

    set_tiles("")
    big_off = ten_k_seals(args.batch, "without tiles")
    catch_up_tiles(tiles_dir)
    big_on = ten_k_seals(args.batch, "with tiles")
    print(
        f"ratio large-log/small-log seal time: {big_off / small_off:.2f} without tiles, "
        f"{big_on / small_on:.2f} with tiles (flat = 1.0)"
    )
    size_after = TreeState.objects.get(id=1).size
    t0 = time.perf_counter()
    services.seal(force_sign=True)
    print(
        f"re-sign with nothing pending at size {size_after:,} (checkpoint file rewritten): "
        f"{(time.perf_counter() - t0) * 1000:.1f} ms"
    )


if __name__ == "__main__":
    main()
