"""Benchmark: the CPU one refused member-API request costs the web worker, in-process.

    .venv/bin/python bench/refusal.py [--requests 5000] [--profile 25] [--gunicorn]
        [--database postgres://postgres@127.0.0.1:5432/hb_bench_refusal] [--redis redis://127.0.0.1:6379/13]

What `bench/submissions.py --attackers` sends, without gunicorn: GET /api/v1/checkpoint through
the WSGI application gunicorn serves (hashbank.wsgi: FrontRefusal in front of Django's handler;
then Django's handler alone, every middleware and DRF) from the trusted loopback proxy with an
X-Forwarded-For of its own, a real key id and a wrong secret, from a client already past the
failed-attempt limit (429), a new wrong secret each time. Runs on a scratch PostgreSQL database (dropped and recreated) and a
Redis db, as production does. Prints the mean CPU microseconds of this process per refusal
(time.process_time: PostgreSQL's and Redis's own work is not counted; gunicorn's HTTP parsing
neither), the same for a good token from a clean address beside it, and with --profile the
functions that took most of a refusal's time (cProfile), with --gunicorn the CPU one gunicorn
sync worker spends per refusal (HTTP parsing and the connection included). Asserts nothing.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from _scratch import recreate_database, wait_for_server  # bench/ is the script's own directory

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--profile", type=int, default=0, help="print the top N functions")
    parser.add_argument("--database", default="postgres://postgres@127.0.0.1:5432/hb_bench_refusal")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/13")
    parser.add_argument(
        "--gunicorn", action="store_true", help="then the same refusals through one gunicorn worker"
    )
    args = parser.parse_args()
    recreate_database(args.database)
    os.environ.update(
        DATABASE_URL=args.database,
        REDIS_URL=args.redis,
        HASHBANK_ENV="embedded",
        HASHBANK_VAR_DIR=str(ROOT / "var" / "bench"),
        HASHBANK_LOG_LEVEL="WARNING",
        HASHBANK_TRUSTED_PROXIES="127.0.0.1",
        HASHBANK_API_RATE_LIMIT="0",  # the good token's many requests are not rate-limited
        DJANGO_SETTINGS_MODULE="hashbank.settings",
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    from hashbank.core.redis import shared_client
    from member_portal.members import services

    call_command("migrate", verbosity=0)
    for key in shared_client().scan_iter("hashbank:throttle:*"):
        shared_client().delete(key)
    member = services.create_member(slug="bench-refusal", name="Refusal")
    _, good = services.issue_credential(member=member)
    # A real key id and a new wrong secret each time, as bench/submissions.py's attackers send.
    bad = ["_".join(good.split("_", 2)[:2]) + "_" + secrets.token_urlsafe(32) for _ in range(512)]
    # What gunicorn serves: Django's handler behind FrontRefusal (member_portal/api/early_refusal.py).
    from hashbank.wsgi import application, django_application

    def environ(token: str, address: str) -> dict:
        return {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": "/api/v1/checkpoint",
            "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_HOST": "127.0.0.1",
            "HTTP_CONNECTION": "close",
            "HTTP_AUTHORIZATION": f"Bearer {token}",
            "HTTP_X_FORWARDED_FOR": address,
            "wsgi.input": io.BytesIO(b""),
            "wsgi.url_scheme": "http",
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
        }

    statuses: dict[str, int] = {}

    def start_response(status, headers, exc_info=None):
        statuses[status] = statuses.get(status, 0) + 1

    def send(token: str, address: str, app=application) -> None:
        response = app(environ(token, address), start_response)
        for _ in response:
            pass
        if hasattr(response, "close"):  # as a WSGI server does: FrontRefusal's list has none
            response.close()

    def cpu_us(tokens: list[str], address: str, count: int, app=application) -> float:
        start = time.process_time()
        for n in range(count):
            send(tokens[n % len(tokens)], address, app)
        return (time.process_time() - start) / count * 1e6

    attacker = "198.51.100.1"
    for n in range(200):  # past the limit (30), and the worker's lazy parts built
        send(bad[n], attacker)
    for n in range(200):  # the good member, from clean addresses
        send(good, f"192.0.2.{n % 200 + 1}")
    statuses.clear()
    refused = [cpu_us(bad, attacker, args.requests) for _ in range(3)]
    in_django = [cpu_us(bad, attacker, args.requests, django_application) for _ in range(3)]
    good_us = [cpu_us([good], "192.0.2.1", min(args.requests, 500)) for _ in range(3)]
    print(
        f"load average {os.getloadavg()[0]:.2f}; answers {statuses}\n"
        f"refused (429, client past its limit): CPU us per request, 3 runs of {args.requests}: "
        + ", ".join(f"{us:.0f}" for us in refused)
        + "\nthe same through Django's handler alone (EarlyRefusalMiddleware): CPU us, 3 runs: "
        + ", ".join(f"{us:.0f}" for us in in_django)
        + "\ngood token from a clean address (authenticated; 404: no checkpoint is sealed here): "
        "CPU us per request, 3 runs: " + ", ".join(f"{us:.0f}" for us in good_us)
    )
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for n in range(args.requests):
            send(bad[n % len(bad)], attacker)
        profiler.disable()
        text = io.StringIO()
        pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(args.profile)
        print(text.getvalue())
    if args.gunicorn:
        through_gunicorn(bad, attacker, args.requests)
    for key in shared_client().scan_iter("hashbank:throttle:*"):
        shared_client().delete(key)


def through_gunicorn(bad: list[str], attacker: str, count: int) -> None:
    """The refusals again through one gunicorn sync worker (deploy/gunicorn.conf.py), a new
    connection each, from 4 client threads; the worker's own CPU per request, from /proc."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = dict(os.environ, GUNICORN_BIND=f"127.0.0.1:{port}", GUNICORN_WORKERS="1")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "deploy/gunicorn.conf.py",
            "--access-logfile",
            os.devnull,
            "hashbank.wsgi",
        ],
        cwd=ROOT,
        env=env,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_server(port, server, 30)
        requests = [
            (
                f"GET /api/v1/checkpoint HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                f"Authorization: Bearer {token}\r\nX-Forwarded-For: {attacker}\r\n\r\n"
            ).encode()
            for token in bad
        ]
        statuses: dict[bytes, int] = {}

        def flood(n: int) -> None:
            for i in range(n):
                with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
                    sock.sendall(requests[i % len(requests)])
                    head = sock.recv(64)
                    while sock.recv(65536):
                        pass
                statuses[head[9:12]] = statuses.get(head[9:12], 0) + 1

        flood(300)  # the worker's lazy parts built, and the limit learned
        worker = int(subprocess.check_output(["pgrep", "-P", str(server.pid)]).split()[0])
        figures = []
        for _ in range(3):
            before = _cpu_seconds(worker)
            threads = [threading.Thread(target=flood, args=(count // 4,)) for _ in range(4)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            figures.append((_cpu_seconds(worker) - before) / (count // 4 * 4) * 1e6)
        print(
            f"through one gunicorn worker: its CPU us per refused request, 3 runs of {count}: "
            + ", ".join(f"{us:.0f}" for us in figures)
            + f"; answers {dict((k.decode(), v) for k, v in statuses.items())}; "
            f"load average {os.getloadavg()[0]:.2f}"
        )
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


def _cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


if __name__ == "__main__":
    main()
