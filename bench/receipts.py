"""Benchmark receipts: what 1,000 members posting a signed receipt every minute cost the bank.

    .venv/bin/python bench/receipts.py
    .venv/bin/python bench/receipts.py --members 300 --database postgres://postgres@127.0.0.1:5432/hb_bench_receipts --redis redis://127.0.0.1:6379/14

Served as production serves it: gunicorn with deploy/gunicorn.conf.py (one sync worker, no
keep-alive, its access log), the whole middleware stack, bearer authentication, the rate limit
(in Redis with --redis), strict JSON and receipts.services. Each member has a credential and a
registered receipt key and has pulled the latest checkpoint. This process signs every receipt
before the clock starts (a member's signing is not the bank's cost) and sends the requests one
after another, each on its own connection as nginx does; the figure is **the gunicorn worker's
own CPU time** (utime + stime from /proc, master included) per request, so the client's work is
not counted; the database backend's CPU (PostgreSQL) is printed beside it, and wall time.

Rounds, each once per member: GET /api/v1/sync without a credential (DRF's 401 before any
database work: the floor of gunicorn, the middleware and DRF), GET /api/v1/sync (the plain
authenticated poll, for scale), POST
/api/v1/sync/ack (a plain acknowledgement of the same size), a receipt for a new size (a
checkpoint was sealed since: the position moves, an Acknowledgement row is written), and receipts
on an idle log (the same size with a later time: the steady state, no row written). Everything is
repeated --repeat times; the spread is printed (this machine's speed varies with its load: check
the load printed). Target (issue 14): 1,000 members a minute under 5% of one core, i.e. under
3 ms of CPU per receipt. Runs on its own SQLite database in a temporary directory unless
--database names a PostgreSQL database (dropped and recreated); --redis must name an empty Redis
db (`--flush` deletes what it holds first), emptied again at the end. Prints figures; asserts nothing.
`--profile N` adds cProfile's top N (CPU time) of idle-log receipts through hashbank.wsgi's
application in this process, and the SQL of one.

Where the time went (cProfile, CPU time, PostgreSQL and Redis, before this change): building the
ORM's statements was the largest part (0.26-0.8 ms of CPU each to build, against 0.015-0.05 ms to
run the same statement by hand: seven per receipt, four per GET /sync), then DRF's serializers
(the poll's answer and the body's one field, about a tenth), two or three Redis round trips, the
middleware (about a tenth); the Ed25519 check was under 1%. Now the polls' statements are
hand-written (members/storage.py, receipts/storage.py, ledger.selectors: core.db.fetch, prepared
on PostgreSQL), the served checkpoint's note is parsed once per process and publication, the
failed-authentication counters are one MGET, the steady-state receipt runs without a transaction,
an acknowledgement that changes nothing locks nothing, and the answer's serializer is bound once.

Measured 2026-12-03 on the shared 2-CPU machine at load average 13-15 (eight engineers' jobs),
worker CPU ms per request, --members 300, PostgreSQL and Redis, the old code (fb8c2ef, this
script copied into `git archive fb8c2ef`) run straight after the new at the same load:
    round                  before        after
    401 floor              1.51-1.67     1.14-1.37
    GET /api/v1/sync       7.66-10.07    3.78-4.38
    POST /sync/ack         9.60-14.21    4.45-4.78
    receipt, new size      13.41-13.68   8.90-9.83
    receipt, idle log      11.67-13.21   6.12-6.72   (10-11% of a core at 1,000/min)
And at load average 4-6 (16:13-16:16), the same two runs one after the other:
    round                  before        after (two runs: 2 and 3 repeats)
    401 floor              0.87-0.97     0.84-0.97
    GET /api/v1/sync       3.71-4.18     1.77-2.24
    POST /sync/ack         5.48-5.99     1.94-2.37
    receipt, new size      6.72-7.69     3.98-5.95
    receipt, idle log      5.95-6.12     2.51-3.44   (4.2-5.7% of a core at 1,000/min; before 10%)
PostgreSQL's own CPU per idle-log receipt: 0.37-0.87 ms after, 1.27 before.
SQLite (no Redis): at load 4, GET 2.61-2.98, ack 2.74-3.58, receipt idle 4.65-7.26, new size
7.63-8.03; at load 14-16, GET 4.98-5.08, receipt idle 7.73-10.00. There SQLite's own work runs
in the worker, and each request opens its connection (CONN_MAX_AGE is 0 on SQLite).

Then (2026-12-04, an in-process sampling profile of new-size receipts): the statements' round
trips were still the largest part (seven, and BEGIN and COMMIT around the move), then the two
Redis round trips, the Ed25519 check (about 8%) and the browser middlewares (about 5%). Now the
move and its acknowledgement are one statement on PostgreSQL, the latest size is read with the
checkpoint's publication, a valid token reads no failure counter from Redis, and a member API
request passes the session, sign-in and message middlewares by. Back to back at load 2.1-2.3,
worker + database CPU ms per request (both as % of a core at 1,000/min), 5077e0c then after:
    receipt, new size      1.57-1.77 + 0.37-0.43 (3.2-3.6%)   1.34-1.64 + 0.30-0.37 (2.8-3.3%)
    receipt, idle log      1.47-1.67 + 0.27-0.33 (2.9-3.3%)   1.24-1.94 + 0.27-0.40 (2.5-3.9%)
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _scratch import (  # bench/ is the script's own directory
    claim_redis,
    recreate_database,
    release_redis,
    wait_for_server,
)

ROOT = Path(__file__).resolve().parent.parent
TICKS = os.sysconf("SC_CLK_TCK")
PROBE = "bench-receipts-probe"  # the application_name of this script's own database probes


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=300)
    parser.add_argument("--database", default="", help="a PostgreSQL URL; default: SQLite")
    parser.add_argument(
        "--redis",
        default="",
        help="a Redis URL of an empty db (emptied again at the end); default none",
    )
    parser.add_argument(
        "--flush", action="store_true", help="delete the keys the --redis db already holds"
    )
    parser.add_argument("--repeat", type=int, default=3, help="times each round is run")
    parser.add_argument(
        "--profile", type=int, default=0, metavar="N", help="print cProfile's top N (in-process)"
    )
    return parser.parse_args()


def _cpu_each(pids: list[int]) -> dict[int, float]:
    """CPU seconds (user + system) used so far by each of these processes still running."""
    used = {}
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        used[pid] = (int(fields[11]) + int(fields[12])) / TICKS
    return used


def _cpu(pids: list[int]) -> float:
    return sum(_cpu_each(pids).values())


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    if int(stat.read().rsplit(")", 1)[1].split()[1]) == pid:
                        found.append(int(entry))
            except OSError:
                continue
    return found


def _send(port: int, request: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(request)
        response = b""
        while chunk := sock.recv(65536):
            response += chunk
    return response


def _request(method: str, path: str, token: str, body: bytes = b"") -> bytes:
    head = f"{method} {path} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {token}\r\n"
    if body:
        head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
    return (head + "Connection: close\r\n\r\n").encode() + body


def main() -> None:
    args = parse_args()
    scratch = tempfile.mkdtemp(prefix="hb_bench_receipts_")
    env = {
        "HASHBANK_VAR_DIR": scratch,
        "HASHBANK_KEY_DIR": str(Path(scratch) / "keys"),
        "HASHBANK_TILES_DIR": "",
        "HASHBANK_LOG_LEVEL": "WARNING",
        "REDIS_URL": args.redis,
        "DATABASE_URL": args.database or f"sqlite:///{scratch}/hashbank.sqlite3",
    }
    if args.database:
        recreate_database(args.database)
    if args.redis:
        claim_redis(args.redis, flush=args.flush)
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hashbank.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.db import connection, transaction

    from hashbank.cases import services as cases
    from hashbank.ledger import roots, selectors
    from hashbank.ledger import services as ledger
    from hashbank.receipts.models import ReceiptKey
    from member_portal.feed import cosignature, note
    from member_portal.members import tokens
    from member_portal.members.models import Credential, Member, SyncPosition

    roots.init_keys()
    attested = {"adult": True, "depicted": True, "consent": True}

    def seal_one(n: int):
        value = f"{n:032x}"
        cases.submit_case(hashes=[{"type": "md5", "value": value}], attestations=attested)
        ledger.seal()
        checkpoint = selectors.latest_checkpoint()
        SyncPosition.objects.update(last_pulled_size=checkpoint.size)
        return checkpoint

    checkpoint = seal_one(1)
    # Bulk rows (what members.services would write, without a transaction per row): the set-up
    # is not what is measured.
    with transaction.atomic():
        rows = Member.objects.bulk_create(
            [Member(slug=f"m{n}", name=f"Member {n}") for n in range(args.members)]
        )
        SyncPosition.objects.bulk_create([SyncPosition(member=m) for m in rows])
        creds, keys, fleet = [], [], []
        for member in rows:
            token, key_id, secret_hash = tokens.new_token()
            creds.append(
                Credential(
                    member=member, key_id=key_id, secret_hash=secret_hash, scopes=["feed:read"]
                )
            )
            key = cosignature.Cosigner.generate(f"receipts.{member.slug}.example/hashbank")
            keys.append(
                ReceiptKey(
                    member=member,
                    name=key.name,
                    key_id=key.key_id,
                    public_key=key.verifier.public_key,
                )
            )
            fleet.append((token, key))
        Credential.objects.bulk_create(creds)
        ReceiptKey.objects.bulk_create(keys)
    SyncPosition.objects.update(last_pulled_size=checkpoint.size)
    connection.close()  # the server's connections only, while it is measured

    def receipts(checkpoint, at: int) -> list[bytes]:
        text, _ = note.split(checkpoint.note)
        return [
            _request(
                "POST",
                "/api/v1/receipts",
                token,
                json.dumps(
                    {"receipt": cosignature.append(checkpoint.note, key.cosign(text, at))}
                ).encode(),
            )
            for token, key in fleet
        ]

    def acks(size: int) -> list[bytes]:
        body = json.dumps({"size": size}).encode()
        return [_request("POST", "/api/v1/sync/ack", token, body) for token, _ in fleet]

    def gets() -> list[bytes]:
        return [_request("GET", "/api/v1/sync", token) for token, _ in fleet]

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "hashbank.wsgi"],
        cwd=ROOT,
        env=dict(
            os.environ,
            **env,
            GUNICORN_BIND=f"127.0.0.1:{port}",
            GUNICORN_WORKERS="1",
            GUNICORN_THREADS="1",
        ),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_server(port, server, 60)
        web = [server.pid, *_children(server.pid)]

        def database_pids() -> list[int]:
            if not args.database:
                return []
            import psycopg

            # Named, so that the previous probe's backend, still exiting, is not counted as the
            # server's (its start-up CPU, a few ms, would have been spread over the round).
            with psycopg.connect(args.database, application_name=PROBE) as conn:
                rows = conn.execute(
                    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                    "AND pid <> pg_backend_pid() AND application_name <> %s",
                    (PROBE,),
                ).fetchall()
            return [pid for (pid,) in rows]

        def measure(requests: list[bytes], expect: bytes = b"200") -> tuple[float, float, float]:
            """(worker CPU, database CPU, wall) in ms per request."""
            _send(port, requests[0])  # the worker's database connection exists from here on
            requests = requests[1:] or requests
            db = _cpu_each(database_pids())
            cpu, wall = _cpu(web), time.monotonic()
            for request in requests:
                response = _send(port, request)
                if response[9:12] != expect:
                    raise SystemExit(f"refused: {response[:400]!r}")
            n = len(requests)
            # The worker reconnects once its connection is CONN_MAX_AGE old: a backend that
            # started during the round counts from zero (one that ended is lost, a few ms).
            db_after = _cpu_each(database_pids())
            db_used = sum(used - db.get(pid, 0.0) for pid, used in db_after.items())
            return (
                (_cpu(web) - cpu) * 1000 / n,
                db_used * 1000 / n,
                (time.monotonic() - wall) * 1000 / n,
            )

        # Warm-up: every credential's first use writes its last-used time, and the worker freezes
        # its heap after 200 requests (deploy/gunicorn.conf.py): neither is the steady state.
        for _ in range(max(1, 400 // args.members + 1)):
            measure(gets())
        measure(acks(checkpoint.size))  # each member's first acknowledgement: its position row
        now = int(time.time()) - 3600
        results: dict[str, list[tuple[float, float, float]]] = {}
        anonymous = [
            b"GET /api/v1/sync HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
        ] * len(fleet)
        for n in range(args.repeat):
            results.setdefault("no credential: 401 (floor)", []).append(measure(anonymous, b"401"))
            results.setdefault("GET /api/v1/sync (the poll)", []).append(measure(gets()))
            results.setdefault("POST /sync/ack, same size", []).append(
                measure(acks(checkpoint.size))
            )
            checkpoint = seal_one(2 + n)
            results.setdefault("receipt, new size", []).append(
                measure(receipts(checkpoint, now + n * 300))
            )
            for i in range(2):
                results.setdefault("receipt, idle log", []).append(
                    measure(receipts(checkpoint, now + n * 300 + 60 * (i + 1)))
                )
        load = os.getloadavg()
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        if args.redis:
            release_redis(args.redis)

    database = "PostgreSQL" if args.database else "SQLite"
    redis_used = "Redis" if args.redis else "no Redis (the embedded rate limiter)"
    print(
        f"{args.members} members, {database}, {redis_used}, one gunicorn sync worker; "
        f"{args.repeat} runs of each round; load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}"
    )
    print(
        f"{'round':<30} {'worker CPU ms/request':>22} {'% of a core at 1,000/min':>25} "
        f"{'database CPU ms':>16} {'both, % at 1,000/min':>21} {'wall ms':>8}"
    )
    for name, runs in results.items():
        cpu = sorted(r[0] for r in runs)
        db = sorted(r[1] for r in runs)
        both = sorted(r[0] + r[1] for r in runs)  # worker and database of the same run
        wall = sorted(r[2] for r in runs)
        share = [c * 1000 / 60 / 1000 * 100 for c in cpu]  # 1,000 requests a minute
        both_share = [c * 1000 / 60 / 1000 * 100 for c in both]
        print(
            f"{name:<30} {f'{cpu[0]:.2f}-{cpu[-1]:.2f}':>22} "
            f"{f'{share[0]:.1f}-{share[-1]:.1f}%':>25} "
            f"{f'{db[0]:.2f}-{db[-1]:.2f}' if args.database else '-':>16} "
            f"{f'{both_share[0]:.1f}-{both_share[-1]:.1f}%' if args.database else '-':>21} "
            f"{f'{wall[len(wall) // 2]:.2f}':>8}"
        )
    if args.profile:
        profile(args.profile, fleet, checkpoint, now + 2000)  # later than every receipt above


def profile(top: int, fleet, checkpoint, at: int) -> None:
    """cProfile (CPU time) of idle-log receipts through the WSGI application in this process."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from hashbank.wsgi import application
    from member_portal.feed import cosignature, note

    text, _ = note.split(checkpoint.note)

    def call(token: str, key, when: int) -> None:
        body = json.dumps(
            {"receipt": cosignature.append(checkpoint.note, key.cosign(text, when))}
        ).encode()
        environ = {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": "/api/v1/receipts",
            "QUERY_STRING": "",
            "SERVER_NAME": "localhost",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_HOST": "localhost",
            "HTTP_AUTHORIZATION": f"Bearer {token}",
            "CONTENT_TYPE": "application/json",
            "CONTENT_LENGTH": str(len(body)),
            "wsgi.input": io.BytesIO(body),
            "wsgi.url_scheme": "http",
            "wsgi.errors": sys.stderr,
        }
        statuses = []
        b"".join(application(environ, lambda status, headers: statuses.append(status)))
        if not statuses[0].startswith("200"):
            raise SystemExit(f"refused: {statuses[0]}")

    for token, key in fleet:  # warm: each member's first receipt at this size
        call(token, key, at)
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    for token, key in fleet:
        call(token, key, at + 1)
    profiler.disable()
    for order in ("tottime", "cumulative"):
        pstats.Stats(profiler).sort_stats(order).print_stats(top)
    with CaptureQueriesContext(connection) as queries:
        call(*fleet[0], at + 2)
    print(f"{len(queries)} statements through Django's cursors in one idle-log receipt:")
    for query in queries:
        print("  ", query["sql"][:160])


if __name__ == "__main__":
    main()
