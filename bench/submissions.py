"""Benchmark: POST /api/v1/submissions (10 hashes each) under gunicorn on PostgreSQL.

    .venv/bin/python bench/submissions.py [--rate 200] [--seconds 20] [--workers 4] [--threads 1]

Starts gunicorn (deploy/gunicorn.conf.py, gthread) on a scratch PostgreSQL database and a Redis db,
then drives it from a second process on loopback: a closed-loop run for the ceiling, then an
open-loop run at --rate, where each request has a due time and its latency is measured from that
time (so a stalled server cannot hide its queue: no coordinated omission). Each client first
GETs /submit/ for a CSRF cookie and token, as the page does. Prints figures; asserts nothing.
Seal requests go to the Redis queue (no Celery worker runs, so sealing does not compete for the
CPU); the queue is purged at the end.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable


def _hashes() -> list[dict]:
    out = []
    for _ in range(5):
        out.append({"type": "md5", "value": secrets.token_hex(16)})
        out.append({"type": "pdq", "value": secrets.token_hex(32), "quality": 90})
    return out


class Client:
    """One keep-alive connection with its own CSRF cookie and token, like one browser tab."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.connect()

    def connect(self) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        self.conn.request("GET", "/submit/")
        response = self.conn.getresponse()
        page = response.read().decode()
        cookie = response.getheader("Set-Cookie") or ""
        self.cookie = re.search(r"csrftoken=([^;]+)", cookie).group(1)
        self.token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

    def submit(self) -> int:
        body = json.dumps({"hashes": _hashes(), "attestations": ATTESTATIONS}).encode()
        headers = {
            "Content-Type": "application/json",
            "X-CSRFToken": self.token,
            "Cookie": f"csrftoken={self.cookie}",
            "Origin": f"http://127.0.0.1:{self.port}",
            "Host": f"127.0.0.1:{self.port}",
        }
        for attempt in range(2):
            try:
                self.conn.request("POST", "/api/v1/submissions", body, headers)
                response = self.conn.getresponse()
                response.read()
                return response.status
            except (http.client.HTTPException, OSError):
                if attempt:
                    raise
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        return 0


ATTESTATIONS = {"adult": True, "depicted": True, "consent": True}


def load(
    port: int, threads: int, seconds: float, rate: float | None, out: multiprocessing.Queue
) -> None:
    """Runs in its own process: closed loop when rate is None, open loop at `rate` otherwise."""
    clients = [Client(port) for _ in range(threads)]
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    counter = iter(range(10**9))
    start = time.perf_counter() + 0.2
    end = start + seconds

    def run(client: Client) -> None:
        while True:
            with lock:
                index = next(counter)
            due = start + index / rate if rate else time.perf_counter()
            # Past the end (or, when overloaded, past a grace period), stop sending: what was not
            # sent is reported as such rather than stretching the run.
            if due >= end or time.perf_counter() > end + 2:
                return
            pause = due - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
            status = client.submit()
            done = time.perf_counter()
            with lock:
                latencies.append(done - due)
                statuses[status] = statuses.get(status, 0) + 1

    workers = [threading.Thread(target=run, args=(client,)) for client in clients]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = end - start if rate else time.perf_counter() - start
    scheduled = int(seconds * rate) if rate else len(latencies)
    out.put(
        {"latencies": latencies, "statuses": statuses, "elapsed": elapsed, "scheduled": scheduled}
    )


def report(name: str, result: dict) -> None:
    lat = sorted(result["latencies"])
    n = len(lat)
    ok = result["statuses"].get(201, 0)
    pct = lambda p: lat[min(n - 1, int(p * n))] * 1000  # noqa: E731
    print(
        f"{name}: {n} of {result['scheduled']} scheduled requests sent; "
        f"{ok / result['elapsed']:.0f} submissions/s "
        f"(201: {ok}, other: { {k: v for k, v in result['statuses'].items() if k != 201} })\n"
        f"  latency ms: p50 {pct(0.50):.1f}  p90 {pct(0.90):.1f}  p99 {pct(0.99):.1f}  "
        f"max {lat[-1] * 1000:.1f}  mean {statistics.fmean(lat) * 1000:.1f}"
    )


def run_load(port: int, threads: int, seconds: float, rate: float | None) -> dict:
    queue: multiprocessing.Queue = multiprocessing.Queue()
    process = multiprocessing.Process(target=load, args=(port, threads, seconds, rate, queue))
    process.start()
    result = queue.get()
    process.join()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=200.0, help="open-loop submissions/s")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker")
    parser.add_argument("--clients", type=int, default=16, help="load-generator connections")
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/hb_bench_submissions"
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/13")
    args = parser.parse_args()

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = dict(
        os.environ,
        DATABASE_URL=args.database_url,
        REDIS_URL=args.redis_url,
        HASHBANK_ENV="embedded",
        HASHBANK_VAR_DIR=str(ROOT / "var" / "bench"),
        HASHBANK_SUBMISSIONS_PER_HOUR=str(10**9),
        HASHBANK_LOG_LEVEL="WARNING",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_WORKERS=str(args.workers),
        GUNICORN_THREADS=str(args.threads),
    )
    dbname = args.database_url.rsplit("/", 1)[1]
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", f"DROP DATABASE IF EXISTS {dbname}"],
        check=True,
        env=env,
    )
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", f"CREATE DATABASE {dbname}"],
        check=True,
        env=env,
    )
    subprocess.run([PY, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run(
        [PY, "manage.py", "keys", "init"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server = subprocess.Popen(
        [
            PY,
            "-m",
            "gunicorn",
            "-c",
            "deploy/gunicorn.conf.py",
            "--access-logfile",
            "/dev/null",
            "hashbank.wsgi",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("gunicorn did not start") from None
                time.sleep(0.2)
        print(
            f"gunicorn: {args.workers} workers x {args.threads} threads on 127.0.0.1:{port}; "
            f"PostgreSQL {dbname}; CPUs: {os.cpu_count()}; 10 hashes per submission; "
            f"load average before: {os.getloadavg()[0]:.1f}"
        )
        run_load(port, args.clients, 3, None)  # warm-up: connections, caches
        report("closed loop (ceiling)", run_load(port, args.clients, args.seconds / 2, None))
        report(
            f"open loop at {args.rate:.0f}/s", run_load(port, args.clients, args.seconds, args.rate)
        )
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        subprocess.run(
            [
                PY,
                "-c",
                "import redis,sys; redis.Redis.from_url(sys.argv[1]).flushdb()",
                args.redis_url,
            ],
            env=env,
        )


if __name__ == "__main__":
    main()
