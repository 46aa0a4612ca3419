"""What spending a proof of work's token costs: `hashbank.core.spent_tokens.first_use` (the prune
and the INSERT into core_spenttoken, on every submission past the free ones), beside the Redis
SET NX it replaced. Prints figures; asserts nothing.

    .venv/bin/python bench/spent_tokens.py [--calls 400] [--repeat 5]
        [--database postgres://postgres@127.0.0.1:5432/hb_bench_spent_tokens]
        [--redis redis://127.0.0.1:6379/15 [--flush]]

Wall time per call, one call after another from this process (a web worker's view: the round
trips and the commit), the spread of --repeat runs of --calls each, with the load average: the
figures mean little on a busy machine. Runs on its own SQLite database in a temporary directory
unless --database names a PostgreSQL database (dropped and recreated); --redis must name an empty
Redis db (`--flush` deletes what it holds first), emptied again at the end.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
import tempfile
import time
from pathlib import Path

from _scratch import claim_redis, recreate_database, release_redis  # bench/ is its own directory

ROOT = Path(__file__).resolve().parent.parent


def per_call_ms(call, calls: int, repeat: int) -> list[float]:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(calls):
            call()
        runs.append((time.perf_counter() - start) / calls * 1000)
    return sorted(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=400)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--database", default="", help="a PostgreSQL URL; default: SQLite")
    parser.add_argument("--redis", default="", help="an empty Redis db, for SET NX beside it")
    parser.add_argument("--flush", action="store_true", help="delete what the --redis db holds")
    args = parser.parse_args()

    scratch = tempfile.mkdtemp(prefix="hb_bench_spent_tokens_")
    if args.database:
        recreate_database(args.database)
    os.environ.update(
        HASHBANK_VAR_DIR=scratch,
        HASHBANK_LOG_LEVEL="WARNING",
        DATABASE_URL=args.database or f"sqlite:///{scratch}/hashbank.sqlite3",
        REDIS_URL="",
        DJANGO_SETTINGS_MODULE="hashbank.settings",
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "core", verbosity=0)
    from hashbank.core import spent_tokens

    ttl = 660  # HASHBANK_POW_TTL_SECONDS' default plus the minute proof.require adds
    rows = {
        "first_use (prune + INSERT)": lambda: spent_tokens.first_use(
            token=secrets.token_urlsafe(16), ttl=ttl
        )
    }
    if args.redis:
        import redis

        claim_redis(args.redis, flush=args.flush)
        client = redis.Redis.from_url(args.redis)
        rows["Redis SET NX EX (before)"] = lambda: client.set(
            f"hashbank:pow:used:{secrets.token_urlsafe(16)}", 1, nx=True, ex=ttl
        )
    try:
        results = {name: per_call_ms(call, args.calls, args.repeat) for name, call in rows.items()}
    finally:
        if args.redis:
            release_redis(args.redis)
    load = os.getloadavg()
    database = "PostgreSQL" if args.database else "SQLite"
    print(
        f"{database}; {args.repeat} runs of {args.calls} calls; "
        f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}"
    )
    for name, runs in results.items():
        print(
            f"  {name:<28} {runs[0]:.3f}-{runs[-1]:.3f} ms per call (median {runs[len(runs) // 2]:.3f})"
        )


if __name__ == "__main__":
    main()
