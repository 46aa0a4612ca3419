"""Benchmark: POST /api/v1/submissions (10 hashes each) under gunicorn on PostgreSQL.

    .venv/bin/python bench/submissions.py [--rate 200] [--seconds 20] [--workers 4] [--threads 1]
                                          [--worker-class sync|gthread] [--attackers 8]

Starts gunicorn (deploy/gunicorn.conf.py: sync workers unless --threads > 1) on a scratch
PostgreSQL database and a Redis db, then drives it from a second process on loopback: a
closed-loop run for the ceiling, then an open-loop run at --rate, where each request has a due
time and its latency is measured from that time (so a stalled server cannot hide its queue: no
coordinated omission). Each client first
GETs /submit/ for a CSRF cookie and token, as the page does. Prints figures; asserts nothing:
throughput, latency percentiles, the CPU each part (gunicorn, PostgreSQL, Redis, the load
generator) spent per submission, how busy the machine was, and a reference speed before and
after, since this machine's speed varies from minute to minute.
Seal requests go to the Redis queue (no Celery worker runs, so sealing does not compete for the
CPU). The Redis db must be empty (`--flush` deletes what it holds first); it is emptied again at
the end, so only the benchmark's own keys are deleted.

`--attackers N` (issue 17): after the closed loop, the closed loop again while N attackers, each
from an address of its own (X-Forwarded-For from the trusted loopback proxy), send member-API
requests as fast as they can with a token of a real key id and a new wrong secret each time; the two ceilings
side by side, with what the attackers got (the failed-attempt limit answers 429 once it applies).
Target: the submissions keep at least 90% of their throughput with 8 attackers.
`--pairs N` repeats the two in alternating order and prints each pair's share, their median and
the pooled share: one pair of 10-second windows swings by ±10% on this machine.
"""

from __future__ import annotations

import argparse
import hashlib
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

from _scratch import (  # bench/ is the script's own directory
    claim_redis,
    release_redis,
    wait_for_server,
)

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable


def _body() -> bytes:
    """One submission: 5 MD5 and 5 PDQ hashes, random so that every one is new to the bank."""
    return json.dumps({"hashes": _hashes(), "attestations": ATTESTATIONS}).encode()


def _hashes() -> list[dict]:
    out = []
    for _ in range(5):
        out.append({"type": "md5", "value": secrets.token_hex(16)})
        out.append({"type": "pdq", "value": _pdq(), "quality": 90})
    return out


def _pdq() -> str:
    """A random PDQ value the degenerate-PDQ screen accepts (about 128 bits set; one uniform value
    in 16,000 is refused with 400)."""
    while True:
        value = secrets.token_hex(32)
        if abs(int(value, 16).bit_count() - 128) <= 24:
            return value


class Client:
    """One browser tab as gunicorn sees it behind the proxy: its own CSRF cookie and token, and a
    new connection per request (the proxy opens one per request: deploy/nginx/hashbank.conf).

    Requests are plain bytes on a socket, so that the load generator, which shares the machine's
    CPUs with the server, spends as little of them as it can.
    """

    def __init__(self, port: int) -> None:
        self.port = port
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", "/submit/")
        response = conn.getresponse()
        page = response.read().decode()
        conn.close()
        cookie = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie") or "").group(1)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        self.head = (
            f"POST /api/v1/submissions HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"Content-Type: application/json\r\nX-CSRFToken: {token}\r\n"
            f"Cookie: csrftoken={cookie}\r\nOrigin: http://127.0.0.1:{port}\r\n"
            "Connection: close\r\n"
        ).encode()

    def request(self, body: bytes) -> bytes:
        return self.head + b"Content-Length: %d\r\n\r\n" % len(body) + body

    def submit(self, request: bytes) -> int:
        """Send one request made by request(); the response's status (0 if the connection
        failed)."""
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=30) as sock:
                sock.sendall(request)
                response = b""
                while chunk := sock.recv(65536):
                    response += chunk
            return int(response[9:12])
        except (OSError, ValueError):
            return 0


ATTESTATIONS = {"adult": True, "depicted": True, "consent": True}


def load(
    port: int,
    threads: int,
    seconds: float,
    rate: float | None,
    meter: CpuMeter,
    out: multiprocessing.Queue,
) -> None:
    """Runs in its own process: closed loop when rate is None, open loop at `rate` otherwise."""
    clients = [Client(port) for _ in range(threads)]
    # Requests are made before the clock starts, so the load generator spends its CPU on sending.
    requests = [clients[i % threads].request(_body()) for i in range(int(seconds * (rate or 1500)))]
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    counter = iter(range(10**9))
    meter.start()
    start = time.perf_counter() + 0.2
    end = start + seconds

    def run(client: Client) -> None:
        while True:
            with lock:
                index = next(counter)
            due = start + index / rate if rate else time.perf_counter()
            # Past the end (or, when overloaded, past a grace period), stop sending: what was not
            # sent is reported as such rather than stretching the run.
            if due >= end or time.perf_counter() > end + 2 or index >= len(requests):
                return
            pause = due - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
            status = client.submit(requests[index])
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
    cpu = meter.stop(statuses.get(201, 0))
    out.put(
        {
            "latencies": latencies,
            "statuses": statuses,
            "elapsed": elapsed,
            "scheduled": scheduled,
            **cpu,
        }
    )


def attack(
    port: int, key_part: str, address: str, stop: threading.Event, out: multiprocessing.Queue
):
    """Runs in its own process: one attacker sending GET /api/v1/checkpoint with a real key id
    and a new wrong secret each time (as a guesser would; the same wrong secret again would
    cost the bank no less), a new connection each, until `stop`; reports the answers it got."""
    requests = [
        (
            f"GET /api/v1/checkpoint HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
            f"Authorization: Bearer {key_part}_{secrets.token_urlsafe(32)}\r\n"
            f"X-Forwarded-For: {address}\r\n\r\n"
        ).encode()
        for _ in range(4096)
    ]
    statuses: dict[int, int] = {}
    sent = 0
    while not stop.is_set():
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
                sock.sendall(requests[sent % len(requests)])
                head = sock.recv(64)
                while sock.recv(65536):
                    pass
            status = int(head.split(b" ", 2)[1])
        except (OSError, IndexError, ValueError):
            status = 0
        sent += 1
        statuses[status] = statuses.get(status, 0) + 1
    statuses[-1] = time.process_time()  # the attacker's own CPU seconds, on this machine
    out.put(statuses)


def _key_part(env: dict) -> str:
    """`hbk_<key id>` of a real member's credential, without its secret (key ids are shown in the
    portal and the audit log, so an attacker may know one)."""
    subprocess.run(
        [PY, "manage.py", "createmember", "bench-attacked", "--name", "Attacked"],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    issued = (
        subprocess.run(
            [PY, "manage.py", "issuecredential", "bench-attacked"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    return "_".join(issued.split("_", 2)[:2])  # the secret may hold "_" too


def under_attack(port: int, clients: int, seconds: float, pid: int, attackers: int, key_part: str):
    """The closed loop while `attackers` attack processes run; (result, attackers' statuses)."""
    stop = multiprocessing.Event()
    out: multiprocessing.Queue = multiprocessing.Queue()
    procs = [
        multiprocessing.Process(
            target=attack, args=(port, key_part, f"198.51.100.{i + 1}", stop, out)
        )
        for i in range(attackers)
    ]
    for proc in procs:
        proc.start()
    try:
        result = run_load(port, clients, seconds, None, pid)
    finally:
        stop.set()
    statuses: dict[int, float] = {}
    for _ in procs:
        for status, count in out.get(timeout=60).items():
            statuses[status] = statuses.get(status, 0) + count
    for proc in procs:
        proc.join(timeout=30)
    return result, statuses


def _worker_times(access_log: Path) -> list[float]:
    """Milliseconds each submission spent in a gunicorn worker, from the access log."""
    times = []
    for line in access_log.read_text().splitlines():
        if line.startswith("{") and '"method":"POST"' in line:
            times.append(json.loads(line)["us"] / 1000)
    return sorted(times)


def report(name: str, result: dict, worker_ms: list[float]) -> None:
    lat = sorted(result["latencies"])
    n = len(lat)
    ok = result["statuses"].get(201, 0)
    pct = lambda p: lat[min(n - 1, int(p * n))] * 1000  # noqa: E731
    print(
        f"{name}: {n} of {result['scheduled']} scheduled requests sent; "
        f"{ok / result['elapsed']:.0f} submissions/s "
        f"(201: {ok}, other: { {k: v for k, v in result['statuses'].items() if k != 201} })\n"
        f"  latency ms: p50 {pct(0.50):.1f}  p90 {pct(0.90):.1f}  p99 {pct(0.99):.1f}  "
        f"max {lat[-1] * 1000:.1f}  mean {statistics.fmean(lat) * 1000:.1f}\n"
        "  CPU ms per submission: "
        + ", ".join(f"{name} {ms:.2f}" for name, ms in result["cpu_ms"].items())
        + f"; all CPUs {result['busy'] * 100:.0f}% busy"
    )
    if worker_ms:
        at = lambda p: worker_ms[min(len(worker_ms) - 1, int(p * len(worker_ms)))]  # noqa: E731
        print(
            f"  in a worker ms: p50 {at(0.50):.1f}  p99 {at(0.99):.1f}  max {worker_ms[-1]:.1f} "
            "(the rest of the latency is waiting for a free worker, and the network)"
        )


TICKS = os.sysconf("SC_CLK_TCK")


def _server_cpu(gunicorn_pid: int) -> dict[str, float]:
    """CPU seconds used so far by gunicorn (master and workers), PostgreSQL and Redis."""
    used = {"web": 0.0, "PostgreSQL": 0.0, "Redis": 0.0}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                text = stat.read()
        except OSError:  # gone
            continue
        name, fields = text[text.index("(") + 1 : text.rindex(")")], text.rsplit(")", 1)[1].split()
        cpu = (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime
        if int(entry) == gunicorn_pid or int(fields[1]) == gunicorn_pid:
            used["web"] += cpu
        elif name.startswith("postgres"):
            used["PostgreSQL"] += cpu
        elif name.startswith("redis-server"):
            used["Redis"] += cpu
    return used


def _machine_busy() -> tuple[float, float]:
    with open("/proc/stat") as stat:
        ticks = [int(v) for v in stat.readline().split()[1:]]
    idle = ticks[3] + ticks[4]
    return (sum(ticks) - idle) / TICKS, sum(ticks) / TICKS


class CpuMeter:
    """CPU used by each part of the system between start() and stop(), per submission."""

    def __init__(self, gunicorn_pid: int) -> None:
        self.gunicorn_pid = gunicorn_pid

    def start(self) -> None:
        self.before, self.machine = _server_cpu(self.gunicorn_pid), _machine_busy()
        self.own = time.process_time()

    def stop(self, submissions: int) -> dict:
        after, machine = _server_cpu(self.gunicorn_pid), _machine_busy()
        per = 1000 / max(1, submissions)
        cpu_ms = {name: (after[name] - self.before[name]) * per for name in after}
        cpu_ms["load generator"] = (time.process_time() - self.own) * per
        busy = (machine[0] - self.machine[0]) / max(1e-9, machine[1] - self.machine[1])
        return {"cpu_ms": cpu_ms, "busy": busy}


def run_load(
    port: int, threads: int, seconds: float, rate: float | None, gunicorn_pid: int
) -> dict:
    queue: multiprocessing.Queue = multiprocessing.Queue()
    process = multiprocessing.Process(
        target=load, args=(port, threads, seconds, rate, CpuMeter(gunicorn_pid), queue)
    )
    process.start()
    result = queue.get()
    process.join()
    return result


def reference_speed() -> float:
    """Millions of SHA-256 of 52 bytes per second: how fast this machine is right now."""
    data, count, start = b"x" * 52, 0, time.perf_counter()
    while time.perf_counter() - start < 0.5:
        for _ in range(1000):
            hashlib.sha256(data).digest()
        count += 1000
    return count / (time.perf_counter() - start) / 1e6


SYSCTL = ROOT / "deploy" / "sysctl" / "60-hashbank-postgresql.conf"


def _writeback() -> str:
    """The kernel's page-cache writeback settings, which shape the latency tail, against those
    that deploy/sysctl recommends for the database host."""
    recommended = dict(
        (name.strip().removeprefix("vm."), value.strip())
        for name, _, value in (
            line.partition("=") for line in SYSCTL.read_text().splitlines() if line[:3] == "vm."
        )
    )
    try:
        now = {name: Path(f"/proc/sys/vm/{name}").read_text().strip() for name in recommended}
    except OSError:
        return "unknown"
    verdict = "as" if now == recommended else "not as"
    return ", ".join(f"{n} {v}" for n, v in now.items()) + f" ({verdict} {SYSCTL.name} recommends)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=200.0, help="open-loop submissions/s")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker")
    parser.add_argument(
        "--worker-class", default="", help="gunicorn worker class (default: the config's)"
    )
    parser.add_argument("--clients", type=int, default=16, help="load-generator connections")
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/hb_bench_submissions"
    )
    parser.add_argument(
        "--redis-url", default="redis://127.0.0.1:6379/13", help="an empty db (emptied at the end)"
    )
    parser.add_argument(
        "--flush", action="store_true", help="delete the keys the --redis-url db already holds"
    )
    parser.add_argument(
        "--pairs",
        type=int,
        default=1,
        help="with --attackers: this many (without, with) pairs, alternating their order",
    )
    parser.add_argument(
        "--attackers", type=int, default=0, help="then the closed loop again under N attackers"
    )
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
        HASHBANK_POW_FREE_PER_DAY=str(10**9),  # the load comes from one address
        HASHBANK_HASHES_PER_CLIENT_PER_DAY="0",  # no daily hash cap for that address
        HASHBANK_SUBMISSION_CAP_FLOOR="0",  # nor the bank-wide adaptive cap: the ceiling is measured
        HASHBANK_LOG_LEVEL="WARNING",
        HASHBANK_TRUSTED_PROXIES="127.0.0.1",  # the attackers name their own addresses
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_WORKERS=str(args.workers),
        GUNICORN_THREADS=str(args.threads),
    )
    if args.worker_class:
        env["GUNICORN_WORKER_CLASS"] = args.worker_class
    claim_redis(args.redis_url, flush=args.flush)
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
    key_part = _key_part(env) if args.attackers else ""
    subprocess.run(
        [PY, "manage.py", "keys", "init"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    # gunicorn's access log, in microseconds: the time each request spent in a worker, from its
    # request read to its response written, apart from any wait for a free worker.
    access_log = ROOT / "var" / "bench" / "access.log"
    access_log.parent.mkdir(parents=True, exist_ok=True)
    access_log.write_bytes(b"")
    server = subprocess.Popen(
        [
            PY,
            "-m",
            "gunicorn",
            "-c",
            "deploy/gunicorn.conf.py",
            "--access-logfile",
            str(access_log),
            "--access-logformat",
            '{"method":"%(m)s","us":%(D)s}',
            "hashbank.wsgi",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        wait_for_server(port, server, 30)
        print(
            f"gunicorn: {args.workers} workers x {args.threads} threads on 127.0.0.1:{port}; "
            f"PostgreSQL {dbname}; CPUs: {os.cpu_count()}; 10 hashes per submission; "
            f"load average before: {os.getloadavg()[0]:.1f}\n"
            f"kernel writeback: {_writeback()}\n"
            f"machine speed now: {reference_speed():.2f} M SHA-256/s of 52 bytes (this VM has "
            "ranged from 0.9 to 2.9: compare runs only at like speeds)"
        )
        run_load(port, args.clients, 3, None, server.pid)  # warm-up: connections, caches
        os.truncate(access_log, 0)  # gunicorn appends (O_APPEND): it writes on from the start
        closed = run_load(port, args.clients, args.seconds / 2, None, server.pid)
        report("closed loop (ceiling)", closed, _worker_times(access_log))
        if args.attackers:
            os.truncate(access_log, 0)
            attacked, answers = under_attack(
                port, args.clients, args.seconds / 2, server.pid, args.attackers, key_part
            )
            report(f"closed loop under {args.attackers} attackers", attacked, [])
            before = closed["statuses"].get(201, 0) / closed["elapsed"]
            after = attacked["statuses"].get(201, 0) / attacked["elapsed"]
            if not before:
                raise SystemExit("no submission was accepted without the attack: see above")
            attacker_cpu = answers.pop(-1)
            sent = sum(answers.values())
            print(
                f"\nsubmissions/s without attack {before:,.1f}, with {args.attackers} attackers "
                f"{after:,.1f}: {100 * after / before:.0f}% kept (target 90%); the attackers sent "
                f"{sent:,} requests ({sent / attacked['elapsed']:,.0f}/s), answered "
                + ", ".join(f"{code}: {n:,}" for code, n in sorted(answers.items()))
                + f"; the attackers' own processes used {attacker_cpu / attacked['elapsed']:.2f} "
                "of this machine's CPUs (a real attacker's are elsewhere)"
            )
            if args.pairs > 1:
                _more_pairs(args, port, server.pid, key_part, before, after)
        os.truncate(access_log, 0)
        opened = run_load(port, args.clients, args.seconds, args.rate, server.pid)
        report(f"open loop at {args.rate:.0f}/s", opened, _worker_times(access_log))
        print(f"machine speed after: {reference_speed():.2f} M SHA-256/s")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        release_redis(args.redis_url)


def _more_pairs(args, port: int, pid: int, key_part: str, before: float, after: float) -> None:
    """--pairs: the two closed loops again, in alternating order (attacked first in every other
    pair), so that the machine's drift from minute to minute falls on both sides alike; each
    pair's share kept, their median, and the pooled share (all accepted over all seconds)."""
    half = args.seconds / 2
    rates = [(before, after)]
    for n in range(1, args.pairs):
        plain = attacked = None
        for attack in (n % 2 == 1, n % 2 == 0):
            if attack:
                attacked, _ = under_attack(port, args.clients, half, pid, args.attackers, key_part)
            else:
                plain = run_load(port, args.clients, half, None, pid)
        rates.append(
            (
                plain["statuses"].get(201, 0) / plain["elapsed"],
                attacked["statuses"].get(201, 0) / attacked["elapsed"],
            )
        )
    kept = [100 * a / b for b, a in rates]
    print(
        f"\n{args.pairs} pairs (without, with attack), submissions/s: "
        + "; ".join(
            f"{b:,.0f} -> {a:,.0f} ({k:.0f}%)" for (b, a), k in zip(rates, kept, strict=True)
        )
        + f"\nkept: median {statistics.median(kept):.0f}%, pooled "
        f"{100 * sum(a for _, a in rates) / sum(b for b, _ in rates):.0f}% (target 90%)"
    )


if __name__ == "__main__":
    main()
