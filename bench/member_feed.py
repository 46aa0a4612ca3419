"""Benchmark the member pull API on a large feed: snapshot build and stream, a 10,000-entry delta,
and entries served per second by one gunicorn worker.

    .venv/bin/python bench/member_feed.py                 # 1,000,000 active signals on PostgreSQL
    .venv/bin/python bench/member_feed.py --signals 100000 --database sqlite:////tmp/hb-bench.sqlite3

Seeding happens once per database (it is reused when it already holds the signals). Prints figures;
asserts nothing. Targets (issue 7): snapshot build < 60 s, stream >= 50 MB/s, 10k delta < 200 ms,
entries >= 100,000/s per worker.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--signals", type=int, default=1_000_000)
    parser.add_argument("--database", default="postgres://postgres@127.0.0.1:5432/hb_bench_members")
    parser.add_argument(
        "--workdir", default=os.path.join(tempfile.gettempdir(), "hb-bench-members")
    )
    parser.add_argument("--delta", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=20)
    return parser.parse_args()


def ensure_postgres_database(url: str) -> None:
    if not url.startswith("postgres"):
        return
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if not conn.execute("select 1 from pg_database where datname = %s", [name]).fetchone():
            conn.execute(f'create database "{name}"')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def seed(count: int) -> None:
    """Publish `count` active signals, using the ledger's bulk seeding helper."""
    from hashbank.ledger import selectors

    latest = selectors.latest_checkpoint()
    if latest is not None and latest.size >= count:
        print(f"reusing the seeded feed: checkpoint size {latest.size}")
        return
    from tests import seeding

    started = time.monotonic()
    seeding.seed_active_signals(count)
    print(f"seeded {count:,} active signals in {time.monotonic() - started:.1f} s")


def main() -> None:
    args = parse_args()
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    env = {
        "DATABASE_URL": args.database,
        "HASHBANK_VAR_DIR": str(workdir),
        "HASHBANK_SNAPSHOT_DIR": str(workdir / "snapshots"),
        "HASHBANK_API_RATE_LIMIT": "0",
        "DJANGO_SETTINGS_MODULE": "hashbank.settings",
    }
    os.environ.update(env)
    for name in ("REDIS_URL",):
        os.environ.pop(name, None)
    sys.path.insert(0, str(ROOT))
    ensure_postgres_database(args.database)

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("keys", "init", verbosity=0)
    seed(args.signals)

    from hashbank.ledger import selectors as ledger
    from member_portal.api import services as snapshots
    from member_portal.members import services as members
    from member_portal.members.models import Member

    checkpoint = ledger.latest_checkpoint()
    size = checkpoint.size
    print(f"feed: checkpoint size {size:,}")

    from member_portal.api.models import Snapshot

    Snapshot.objects.filter(size=size).delete()  # measure a fresh build
    started = time.monotonic()
    snapshot = snapshots.build_snapshot()
    build = time.monotonic() - started
    print(f"snapshot build: {build:.1f} s, {snapshot.bytes / 1e6:.1f} MB compressed")

    member = Member.objects.filter(slug="bench").first() or members.create_member(
        slug="bench", name="Benchmark"
    )
    for credential in member.credentials.filter(revoked_at__isnull=True):
        members.revoke_credential(credential=credential)
    _, token = members.issue_credential(member=member)

    port = free_port()
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "hashbank.wsgi",
            "-w",
            "1",
            "-k",
            "sync",
            "-b",
            f"127.0.0.1:{port}",
            "--timeout",
            "300",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env={**os.environ, **env},
    )
    try:
        run_http(f"http://127.0.0.1:{port}", token, size, snapshot, args)
    finally:
        server.terminate()
        server.wait(timeout=20)


def run_http(base: str, token: str, size: int, snapshot, args) -> None:
    import requests

    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if session.get(f"{base}/healthz", timeout=10).ok:
                break
        except (requests.ConnectionError, requests.Timeout):
            time.sleep(0.2)
    session.get(f"{base}/api/v1/checkpoint").raise_for_status()  # warm: token check cached

    started = time.monotonic()
    received = 0
    with session.get(f"{base}/api/v1/snapshots/{snapshot.size}", stream=True) as response:
        response.raise_for_status()
        for chunk in response.iter_content(1 << 20):
            received += len(chunk)
    seconds = time.monotonic() - started
    print(
        f"snapshot stream: {received / 1e6:.1f} MB in {seconds:.2f} s = "
        f"{received / 1e6 / seconds:.0f} MB/s (one gunicorn worker)"
    )

    delta = min(args.delta, size)
    timings = []
    for _ in range(args.repeat):
        started = time.monotonic()
        response = session.get(f"{base}/api/v1/entries?from={size - delta}&size={size}")
        response.raise_for_status()
        timings.append((time.monotonic() - started) * 1000)
    timings.sort()
    print(
        f"delta of {delta:,} entries: median {statistics.median(timings):.0f} ms, "
        f"p95 {timings[int(len(timings) * 0.95) - 1]:.0f} ms, {len(response.content):,} bytes"
    )

    started = time.monotonic()
    served = 0
    url = f"{base}/api/v1/entries?from=0&size={size}"
    while url:
        response = session.get(url)
        response.raise_for_status()
        first, last = (int(x) for x in response.headers["Hashbank-Entries"].split("-"))
        served += last - first
        link = response.headers.get("Link")
        url = f"{base}{link[1 : link.index('>')]}" if link else None
    seconds = time.monotonic() - started
    print(
        f"entries endpoint: {served:,} entries in {seconds:.1f} s = {served / seconds:,.0f} "
        "entries/s (one gunicorn worker, pages of 50,000)"
    )


if __name__ == "__main__":
    main()
