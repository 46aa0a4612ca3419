"""Benchmark publishing with witnesses: a seal published at once (no policy) against a seal
published only once two local witnesses cosigned it (real HTTP on loopback, each a bank of its own
in its own gunicorn process with its own SQLite file and witness key). Each round holds `--batch`
new signals in one transaction; its commit seals them, and with the policy the publishing round
asks both witnesses in parallel and publishes at quorum (2 of 2), all in-process (no REDIS_URL).
Rounds alternate between the two modes. Target: publishing adds under 100 ms.

    .venv/bin/python bench/publish_witnessed.py
    .venv/bin/python bench/publish_witnessed.py --rounds 200 --batch 1000

Prints p50/p99 of each mode side by side and the difference; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ORIGIN = "bench.bank.test/hashbank"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=100, help="seals per mode")
    parser.add_argument("--batch", type=int, default=100, help="signals per seal")
    parser.add_argument(
        "--no-tiles",
        action="store_true",
        help="do not write tiles (their os.sync() dominates a small seal on a busy machine)",
    )
    return parser.parse_args()


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class WitnessProcess:
    """A bank used only as a witness: migrated, `witness init`, approving the benchmark's log."""

    def __init__(self, name: str, directory: Path) -> None:
        directory.mkdir()
        self.name, self.directory, self.port = name, directory, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            k: v
            for k, v in os.environ.items()
            if k not in ("DATABASE_URL", "REDIS_URL", "HASHBANK_SIGNING_KEYS")
        }
        self.env.update(
            DJANGO_SETTINGS_MODULE="hashbank.settings",
            DATABASE_URL=f"sqlite:///{directory / 'witness.sqlite3'}",
            HASHBANK_VAR_DIR=str(directory),
            HASHBANK_KEY_DIR=str(directory / "keys"),
            HASHBANK_ORIGIN=f"{name}.witness.test/hashbank",
            HASHBANK_LOG_LEVEL="WARNING",
            PYTHONPATH=str(ROOT),
        )
        self.process: subprocess.Popen | None = None

    def manage(self, *args: str) -> str:
        return subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout

    def start(self, log_keys: list[str]) -> None:
        self.manage("migrate", "-v0")
        self.manage("witness", "init")
        self.vkey = self.manage("witness", "show").strip().splitlines()[-1]
        self.manage("witness", "add-log", ORIGIN, *log_keys)
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "1",
                "--threads",
                "4",
                "hashbank.wsgi",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=open(self.directory / "gunicorn.log", "w"),  # noqa: SIM115
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=1) as response:
                    if json.load(response)["status"] == "alive":
                        return
            except OSError:
                time.sleep(0.1)
        raise SystemExit(f"witness {self.name} did not start; see {self.directory}/gunicorn.log")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=20)


def main() -> None:
    args = parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="hb-bench-publish-"))
    os.environ.pop("REDIS_URL", None)
    os.environ.pop("HASHBANK_SIGNING_KEYS", None)
    os.environ.update(
        DATABASE_URL=f"sqlite:///{workdir / 'bank.sqlite3'}",
        HASHBANK_KEY_DIR=str(workdir / "keys"),
        HASHBANK_VAR_DIR=str(workdir),
        HASHBANK_TILES_DIR="" if args.no_tiles else str(workdir / "tiles"),
        HASHBANK_ORIGIN=ORIGIN,
        HASHBANK_LOG_LEVEL="WARNING",
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hashbank.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import transaction

    from hashbank.ledger import selectors
    from hashbank.ledger.events import checkpoint_published, checkpoint_sealed
    from hashbank.ledger.roots import init_keys
    from hashbank.signals import services as signals

    call_command("migrate", verbosity=0)
    init_keys()
    witnesses = [WitnessProcess(n, workdir / n) for n in ("w1", "w2")]
    try:
        for witness in witnesses:
            witness.start(selectors.public_keys())
        policy = workdir / "policy.txt"
        policy.write_text(
            "".join(f"witness {w.name} {w.vkey} {w.url}/witness\n" for w in witnesses)
            + "group both all w1 w2\nquorum both\n"
        )

        def one_round() -> float:
            began = time.perf_counter()
            with transaction.atomic():
                for _ in range(args.batch):
                    signals.hold(signal_type="pdq", value=secrets.token_hex(32), quality=90)
            return (time.perf_counter() - began) * 1000

        # The publishing round itself: from the seal's commit (checkpoint_sealed) to the
        # checkpoint published (checkpoint_published), in witnessed mode.
        marks: dict[str, float] = {}
        rounds: list[float] = []

        def sealed(**_kwargs) -> None:
            marks["sealed"] = time.perf_counter()

        def published(**_kwargs) -> None:
            if settings.HASHBANK_WITNESS_POLICY and "sealed" in marks:
                rounds.append((time.perf_counter() - marks.pop("sealed")) * 1000)

        checkpoint_sealed.connect(sealed, dispatch_uid="bench-sealed")
        checkpoint_published.connect(published, dispatch_uid="bench-published")
        times: dict[str, list[float]] = {"plain": [], "witnessed": []}
        for _ in range(3):  # warm-up: connections, first tiles
            one_round()
        rounds.clear()
        for _ in range(args.rounds):
            for mode in ("plain", "witnessed"):
                settings.HASHBANK_WITNESS_POLICY = str(policy) if mode == "witnessed" else ""
                times[mode].append(one_round())
                latest = selectors.latest_checkpoint()
                if latest.size != selectors.latest_sealed().size:
                    raise SystemExit(f"{mode}: the seal at {latest.size} was not published")
        cosigned = selectors.latest_checkpoint().note.count("\u2014 ") - 2  # log key and grease
    finally:
        for witness in witnesses:
            witness.stop()

    print(
        f"seal + publish of {args.batch} signals, {args.rounds} rounds per mode "
        f"(SQLite, tasks in-process, tiles {'off' if args.no_tiles else 'on'}); witnessed = 2 of 2 "
        "witnesses on loopback (gunicorn)"
    )
    print(f"  {'':10} {'no policy':>12} {'witnessed':>12} {'added':>10}")
    for label, p in (("p50", 0.5), ("p90", 0.9), ("p99", 0.99)):
        plain, witnessed = percentile(times["plain"], p), percentile(times["witnessed"], p)
        print(f"  {label:10} {plain:9.1f} ms {witnessed:9.1f} ms {witnessed - plain:7.1f} ms")
    print(
        f"  the publishing round alone (seal committed -> published, {len(rounds)} rounds): "
        f"p50 {percentile(rounds, 0.5):.1f} ms, p99 {percentile(rounds, 0.99):.1f} ms"
    )
    mean_added = statistics.mean(times["witnessed"]) - statistics.mean(times["plain"])
    print(
        f"  mean added {mean_added:.1f} ms (target < 100 ms); last checkpoint cosignatures: {cosigned}"
    )
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
