"""Reliability run on the production topology (issue 17): 50 concurrent submitters over real HTTP
to gunicorn while the Celery worker is killed with SIGKILL in the middle of a seal and restarted,
Redis is stopped and restarted, and the database refuses connections for a window; a member syncs
with the reference client (`python -m member_portal.client sync`) all the while. At the end, once
the ledger has sealed everything, every accepted case's hashes must be in the sealed, published
ledger, the ledger has no gap (`manage.py ledger verify`, contiguous entries, the member's verified
sync at the published size), and no 5xx was answered outside the outage windows.

    python deploy/reliability.py          # what `bash deploy/local-production.sh --reliability` runs
    RELIABILITY_POW=1 python deploy/reliability.py

With RELIABILITY_POW=1 every submission needs an 8-bit proof of work (as the page does past the
free ones: the 428's challenge solved, the body sent again with it), and each submitter replays
every proof the bank accepted once, with a new body: the run then also fails if any replay is
accepted, during the Redis outage too (the spent tokens are then in the database, shared by both
gunicorn workers: hashbank/core/spent_tokens.py).

It never disturbs the machine's shared services: its own `redis-server` on a free port (started,
stopped and restarted by it), its own database (RELIABILITY_PG, default the local PostgreSQL,
database hashbank_reliability_PID, dropped at the end) reached by the bank's processes through a TCP proxy in this process
(refusing the database = the proxy refuses and drops connections; the server keeps running), and
its own Celery queue. Prints a table and exits 1 on any loss, any 5xx outside the outage windows or
a gap in the ledger. Bounded: about 75 s of load, then at most 120 s waiting for the last seal.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import secrets
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = os.environ.get("PY") or sys.executable
PG = os.environ.get("RELIABILITY_PG", "postgres://postgres@127.0.0.1:5432").rstrip("/")
PG_HOST = urllib.parse.urlsplit(PG).hostname or "127.0.0.1"
PG_PORT = urllib.parse.urlsplit(PG).port or 5432
# Its own database, named after this process (two runs on one machine never share one); dropped
# at the end.
DB = os.environ.get("RELIABILITY_DB", f"hashbank_reliability_{os.getpid()}")
SUBMITTERS = int(os.environ.get("RELIABILITY_SUBMITTERS", 50))
POW = os.environ.get("RELIABILITY_POW") == "1"
# The phases (seconds): load before the first fault, each outage window, load after the last.
WARMUP, REDIS_DOWN, DB_DOWN, COOLDOWN = 8.0, 8.0, 8.0, 10.0
# After an outage ends, the processes reconnect: answers in this grace are still the outage's.
GRACE = 3.0
# The longest Retry-After a submitter honours (a browser retries on the bank's word; this run is
# bounded in time): larger values are waited this long.
RETRY_CAP = 3.0
ATTESTED = {"adult": True, "depicted": True, "consent": True}


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def proxied_url(port: int) -> str:
    """RELIABILITY_PG's user (and password) at the proxy's loopback port, database DB."""
    parts = urllib.parse.urlsplit(PG)
    userinfo = parts.netloc.rpartition("@")[0]
    netloc = f"{userinfo}@127.0.0.1:{port}" if userinfo else f"127.0.0.1:{port}"
    return urllib.parse.urlunsplit((parts.scheme, netloc, f"/{DB}", "", ""))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def random_pdq() -> str:
    """A random PDQ the degenerate-PDQ screen accepts (about 128 of 256 bits set)."""
    while True:
        value = secrets.token_hex(32)
        if abs(int(value, 16).bit_count() - 128) <= 24:
            return value


class Windows:
    """The outage windows, as (name, start, end) in time.monotonic()."""

    def __init__(self) -> None:
        self.closed: list[tuple[str, float, float]] = []
        self.open: dict[str, float] = {}
        self.lock = threading.Lock()

    def start(self, name: str) -> None:
        with self.lock:
            self.open[name] = time.monotonic()

    def end(self, name: str) -> None:
        with self.lock:
            self.closed.append((name, self.open.pop(name), time.monotonic() + GRACE))

    def inside(self, started: float, finished: float) -> str | None:
        """The window a request overlapped (open or closed, with its grace), or None."""
        with self.lock:
            spans = [*self.closed, *((n, s, 1e18) for n, s in self.open.items())]
        overlapped = [(s, n) for n, s, e in spans if started <= e and finished >= s]
        return max(overlapped)[1] if overlapped else None  # the latest to begin


class DatabaseProxy:
    """A TCP proxy in front of PostgreSQL that can refuse: while refusing, open connections are
    dropped and new ones closed on accept (the real server keeps running for everyone else)."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.refusing = threading.Event()
        self.stopping = threading.Event()
        self.pairs: set[tuple[socket.socket, socket.socket]] = set()
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.stopping.is_set():
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if self.refusing.is_set():
                client.close()
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            pair = (client, upstream)
            with self.lock:
                self.pairs.add(pair)
            threading.Thread(target=self._pump, args=(pair,), daemon=True).start()

    def _pump(self, pair: tuple[socket.socket, socket.socket]) -> None:
        client, upstream = pair
        sel = selectors.DefaultSelector()
        sel.register(client, selectors.EVENT_READ, upstream)
        sel.register(upstream, selectors.EVENT_READ, client)
        try:
            while not self.refusing.is_set():
                for key, _ in sel.select(timeout=0.2):
                    data = key.fileobj.recv(65536)
                    if not data:
                        return
                    key.data.sendall(data)
        except OSError:
            pass
        finally:
            sel.close()
            with self.lock:
                self.pairs.discard(pair)
            for s in pair:
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()

    def refuse(self) -> None:
        self.refusing.set()
        with self.lock:
            pairs = list(self.pairs)
        for pair in pairs:  # drop them now, not at the pump's next wake-up
            for s in pair:
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def accept_again(self) -> None:
        self.refusing.clear()

    def stop(self) -> None:
        self.stopping.set()
        self.listener.close()


class Topology:
    """gunicorn, a Celery worker and beat on the proxied database and a private Redis."""

    def __init__(self, run_dir: Path) -> None:
        self.dir = run_dir
        self.web_port = free_port()
        self.redis_port = free_port()
        self.proxy = DatabaseProxy((PG_HOST, PG_PORT))
        self.base = f"http://127.0.0.1:{self.web_port}"
        self.procs: dict[str, subprocess.Popen] = {}
        self.direct_url = f"{PG}/{DB}"
        self.env = {
            **os.environ,
            "HASHBANK_ENV": "production",
            "SECRET_KEY": secrets.token_urlsafe(64),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "HASHBANK_ORIGIN": "localhost/hashbank-reliability",
            "HASHBANK_PUBLIC_URL": self.base,
            "DATABASE_URL": proxied_url(self.proxy.port),
            "REDIS_URL": f"redis://127.0.0.1:{self.redis_port}/0",
            "HASHBANK_VAR_DIR": str(run_dir / "var"),
            "HASHBANK_KEY_DIR": str(run_dir / "keys"),
            "STATIC_ROOT": str(run_dir / "static"),
            "CELERY_QUEUE": f"hashbank-reliability-{os.getpid()}",
            "HASHBANK_TRUSTED_PROXIES": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "false",
            "GUNICORN_BIND": f"127.0.0.1:{self.web_port}",
            "GUNICORN_WORKERS": "2",
            "GUNICORN_THREADS": "4",
            "GUNICORN_ACCESSLOG": str(run_dir / "access.log"),
            # A test bank: 50 submitters from 50 addresses submit far past a person's throttle,
            # the proof of work and the global cap, which are not what this run measures.
            "HASHBANK_SUBMISSIONS_PER_HOUR": "100000",
            "HASHBANK_POW_FREE_PER_DAY": "0" if POW else "100000",
            "HASHBANK_POW_BASE_BITS": "8",
            "HASHBANK_POW_MAX_BITS": "8",
            "HASHBANK_HASHES_PER_CLIENT_PER_DAY": "0",
            "HASHBANK_SUBMISSION_CAP_FLOOR": "0",
            "HASHBANK_SEAL_MIN_MIX": "1",
            # The sweep that replaces a lost seal task (the killed worker's, Redis's lost queue).
            "HASHBANK_SEAL_SWEEP_SECONDS": "3",
        }
        (run_dir / "var").mkdir(parents=True)

    def manage(self, *args: str, direct: bool = True) -> subprocess.CompletedProcess:
        env = {**self.env, "DATABASE_URL": self.direct_url} if direct else self.env
        return subprocess.run(
            [PY, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
        )

    def spawn(self, name: str, *command: str) -> None:
        handle = open(self.dir / f"{name}.log", "ab")
        self.procs[name] = subprocess.Popen(
            command, cwd=ROOT, env=self.env, stdout=handle, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip

    def start_redis(self) -> None:
        self.spawn(
            "redis", shutil.which("redis-server") or "redis-server", "--port", str(self.redis_port),
            "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(self.dir),
        )  # fmt: skip
        wait_for(self.redis_ping, 20, "the private Redis answers")

    def redis_ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.redis_port), timeout=1) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def start_worker(self) -> None:
        self.spawn(
            "worker", PY, "-m", "celery", "-A", "hashbank", "worker", "-Q",
            self.env["CELERY_QUEUE"], "--concurrency=2", "-n", f"reliability-{os.getpid()}@%h",
            "--loglevel=INFO",
        )  # fmt: skip

    def setup(self) -> None:
        psql("postgres", f"DROP DATABASE IF EXISTS {DB}", f"CREATE DATABASE {DB}")
        for step in (
            ("migrate", "--no-input", "-v0"),
            ("collectstatic", "--no-input", "-v0"),
            ("firststart", "--admin", f"reliability-admin-{os.getpid()}"),
        ):
            done = self.manage(*step)
            if done.returncode:
                sys.exit(f"manage.py {step[0]} failed:\n{done.stdout}{done.stderr}")
        lines = done.stdout.splitlines()
        token = next(
            lines[i + 1] for i, line in enumerate(lines) if "Demo member credential" in line
        )
        self.token = token.strip()
        self.start_redis()
        self.spawn("web", PY, "-m", "gunicorn", "hashbank.wsgi:application",
                   "-c", "deploy/gunicorn.conf.py")  # fmt: skip
        self.start_worker()
        self.spawn("beat", PY, "-m", "celery", "-A", "hashbank", "beat", "--loglevel=INFO",
                   f"--schedule={self.dir / 'celerybeat-schedule'}")  # fmt: skip
        wait_for(lambda: self.ready(), 90, "/readyz says ready (a worker answers)")

    def ready(self) -> bool:
        status, _, body = http(f"{self.base}/readyz")
        return status == 200 and json.loads(body).get("status") == "ready"

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        process = self.procs[name]
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            pass
        process.wait(timeout=30)

    def stop(self) -> None:
        for process in self.procs.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.procs.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self.proxy.stop()


def psql(database: str, *commands: str) -> str:
    argv = ["psql", f"{PG}/{database}", "-qAtX", "-v", "ON_ERROR_STOP=1"]
    for command in commands:
        argv += ["-c", command]
    return subprocess.run(argv, check=True, capture_output=True, text=True).stdout.strip()


def http(url, *, data=None, headers=None, timeout=15):
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, dict(error.headers), error.read()
    except OSError:
        return 0, {}, b""


def wait_for(condition, timeout: float, what: str, every: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            log(f"ok   {what}")
            return result
        time.sleep(every)
    sys.exit(f"FAIL {what}: not within {timeout:.0f} s")


class Tally:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.accepted: list[tuple[str, list[dict]]] = []  # case number, hashes
        self.refused_retried = 0
        self.refused_other: dict[int, int] = {}
        self.errors_in = self.errors_out = 0  # 5xx (and 503 without Retry-After), no answer
        self.samples_out: list[str] = []
        self.errors_by_window: dict[str, dict[str, int]] = {}
        self.replays_refused = 0  # RELIABILITY_POW: a spent proof sent again, refused
        self.replays_accepted: list[str] = []  # ... and accepted: when (outage window or not)


def solve(challenge: str, bits: int) -> str:
    """The proof of work's nonce, as the page's worker finds it (hashbank/core/proof_of_work.py)."""
    n = 0
    while True:
        digest = hashlib.sha256(f"{challenge}:{n}".encode()).digest()
        if int.from_bytes(digest, "big").bit_length() <= 256 - bits:
            return str(n)
        n += 1


def submitter(n: int, base: str, stop: threading.Event, tally: Tally, windows: Windows) -> None:
    """One person's browser: the page for its CSRF cookie, then submissions one after another,
    each retried after Retry-After when refused for now. Its address (TEST-NET-2, via the trusted
    proxy's X-Forwarded-For) is its own. With RELIABILITY_POW, it solves the challenge of a 428
    and sends the body again with the proof, then replays that proof once with a new body."""
    address = f"198.51.100.{n + 1}"
    csrf = None
    payload = None
    proof = None
    while not stop.is_set():
        started = time.monotonic()
        if csrf is None:
            status, headers, _ = http(f"{base}/submit/", headers={"X-Forwarded-For": address})
            cookie = SimpleCookie(headers.get("Set-Cookie", ""))
            if status == 200 and "csrftoken" in cookie:
                csrf = cookie["csrftoken"].value
                continue
        else:
            payload = payload or {
                "hashes": [{"type": "md5", "value": secrets.token_hex(16)},
                           {"type": "pdq", "value": random_pdq(), "quality": 90}],
                "attestations": ATTESTED,
            }  # fmt: skip
            headers_sent = {
                "Content-Type": "application/json", "X-CSRFToken": csrf,
                "Cookie": f"csrftoken={csrf}", "Referer": f"{base}/submit/",
                "X-Forwarded-For": address,
            }  # fmt: skip
            sent = {**payload, "proof": proof} if proof else payload
            status, headers, body = http(
                f"{base}/api/v1/submissions", data=json.dumps(sent).encode(), headers=headers_sent
            )
            if status == 201:
                with tally.lock:
                    tally.accepted.append((json.loads(body)["case_number"], payload["hashes"]))
                payload = None
                if proof:
                    replay(base, proof, headers_sent, started, tally, windows)
                    proof = None
                continue
            code = error_code(body) if status in (400, 428) else ""
            if POW and code in ("pow_required", "pow_expired"):
                detail = json.loads(body)["error"]["detail"]
                proof = {"challenge": detail["challenge"], "nonce": solve(**_bits(detail))}
                continue
            if POW and code == "pow_invalid":  # spent by a try whose answer was a 5xx: a new one
                proof = None
                continue
        finished = time.monotonic()
        retry_after = headers.get("Retry-After")
        if status in (429, 503) and retry_after and retry_after.isdigit():
            with tally.lock:
                tally.refused_retried += 1
            stop.wait(min(float(retry_after), RETRY_CAP))
            continue
        # The same payload is sent again (a person presses submit again): if the first try did
        # commit and only its answer was lost, the bank holds the hashes once (one signal).
        if status >= 500 or status == 0:
            inside = windows.inside(started, finished)
            with tally.lock:
                if inside:
                    tally.errors_in += 1
                    what = f"{status} {error_code(body)}"
                    counts = tally.errors_by_window.setdefault(inside, {})
                    counts[what] = counts.get(what, 0) + 1
                else:
                    tally.errors_out += 1
                    tally.samples_out.append(f"HTTP {status} {body[:120]!r}")
        else:
            with tally.lock:
                tally.refused_other[status] = tally.refused_other.get(status, 0) + 1
            if status == 403:
                csrf = None  # a fresh page (a new CSRF cookie), as a person reloading would
        stop.wait(0.5)


def _bits(detail: dict) -> dict:
    return {"challenge": detail["challenge"], "bits": int(detail["bits"])}


def replay(base: str, proof: dict, headers: dict, started: float, tally: Tally, windows) -> None:
    """The accepted proof again, with a new body: it must be refused (`pow_invalid`)."""
    body = {
        "hashes": [{"type": "md5", "value": secrets.token_hex(16)}],
        "attestations": ATTESTED,
        "proof": proof,
    }
    status, _, answer = http(
        f"{base}/api/v1/submissions", data=json.dumps(body).encode(), headers=headers
    )
    with tally.lock:
        if status == 201:
            inside = windows.inside(started, time.monotonic()) or "outside the outages"
            tally.replays_accepted.append(inside)
            tally.accepted.append((json.loads(answer)["case_number"], body["hashes"]))
        elif status == 400 and error_code(answer) == "pow_invalid":
            tally.replays_refused += 1


def error_code(body: bytes) -> str:
    try:
        return str(json.loads(body).get("code") or json.loads(body).get("error", {}).get("code"))
    except (ValueError, AttributeError):
        return "(not JSON)" if body else "(no answer)"


class Member:
    """The demo member syncing with the reference client (a separate process each time)."""

    def __init__(self, topo: Topology) -> None:
        self.topo = topo
        status, _, body = http(
            f"{topo.base}/api/v1/roots", headers={"Authorization": f"Bearer {topo.token}"}
        )
        if status != 200:
            sys.exit(f"FAIL the member reads the root documents (HTTP {status})")
        self.root = topo.dir / "member-root.note"
        self.root.write_text(json.loads(body)["roots"][0])
        self.state = topo.dir / "member-state.sqlite"
        self.codes: dict[int, int] = {}
        self.verified_failures = 0

    def run(self, *args: str) -> tuple[int, dict]:
        env = {**os.environ, "HASHBANK_TOKEN": self.topo.token}
        argv = [PY, "-m", "member_portal.client", "--state", str(self.state), "--json", *args]
        if args[0] == "sync":
            argv += ["--server", self.topo.base, "--root", str(self.root), "--no-progress"]
        done = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True)
        try:
            return done.returncode, json.loads(done.stdout or "{}")
        except json.JSONDecodeError:
            return done.returncode, {}

    def sync(self) -> tuple[int, dict]:
        code, out = self.run("sync")
        self.codes[code] = self.codes.get(code, 0) + 1
        if code == 3:  # verification failed: never acceptable, outage or not
            self.verified_failures += 1
        return code, out

    def loop(self, stop: threading.Event) -> None:
        while not stop.is_set():
            self.sync()
            stop.wait(1.0)


def seal_in_progress(topo: Topology) -> bool:
    """A seal holds the tree's row lock (ledger.services._lock_tree: SELECT ... FOR UPDATE) for
    its whole transaction: seen in pg_locks as a RowShareLock on ledger_treestate."""
    return psql(
        DB,
        "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
        "WHERE c.relname = 'ledger_treestate' AND l.mode = 'RowShareLock' "
        "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())",
    ) not in ("", "0")


def main() -> int:
    began = time.monotonic()
    run_dir = Path(tempfile.mkdtemp(prefix="hashbank-reliability."))
    log(f"run dir: {run_dir}")
    topo = Topology(run_dir)
    windows, tally = Windows(), Tally()
    stop_load, stop_member = threading.Event(), threading.Event()
    failures: list[str] = []
    member, load_seconds = None, 0.0
    try:
        topo.setup()
        member = Member(topo)
        threads = [
            threading.Thread(target=submitter, args=(n, topo.base, stop_load, tally, windows))
            for n in range(SUBMITTERS)
        ]
        for thread in threads:
            thread.start()
        syncing = threading.Thread(target=member.loop, args=(stop_member,))
        syncing.start()
        log(f"{SUBMITTERS} submitters and a syncing member started")
        stop_load.wait(WARMUP)

        # 1. kill -9 the worker (its whole process group) while a seal's transaction is open.
        wait_for(lambda: seal_in_progress(topo), 60, "a seal is in progress", every=0.01)
        windows.start("worker killed")
        topo.kill("worker")
        log("worker killed with SIGKILL mid-seal; restarting it")
        topo.start_worker()
        wait_for(topo.ready, 60, "the restarted worker answers")
        windows.end("worker killed")

        # 2. Redis stopped (SIGKILL: its queue is lost, as in a crash) and restarted.
        windows.start("redis down")
        topo.kill("redis")
        log("Redis stopped")
        stop_load.wait(REDIS_DOWN)
        topo.start_redis()
        windows.end("redis down")

        # 3. The database refuses connections (the proxy drops them all) for a window.
        stop_load.wait(3.0)
        windows.start("database refused")
        topo.proxy.refuse()
        log("the database refuses connections")
        stop_load.wait(DB_DOWN)
        topo.proxy.accept_again()
        log("the database accepts connections again")
        windows.end("database refused")

        stop_load.wait(COOLDOWN)
        stop_load.set()
        for thread in threads:
            thread.join()
        load_seconds = time.monotonic() - began
        log(f"load stopped: {len(tally.accepted)} accepted")

        # Everything sealed and published: the outbox empty and the published checkpoint at the
        # tree's size (polled: what beat's sweep and the worker get to on their own).
        def sealed() -> bool:
            row = psql(
                DB,
                "SELECT (SELECT count(*) FROM signals_change), "
                "(SELECT size FROM ledger_treestate WHERE id = 1), "
                "(SELECT coalesce(max(size), 0) FROM ledger_checkpoint "
                " WHERE published_at IS NOT NULL)",
            )
            queued, size, published = (int(x) for x in row.split("|"))
            return queued == 0 and size == published and size > 0

        wait_for(sealed, 120, "the ledger sealed and published every accepted change", every=0.5)
        stop_member.set()
        syncing.join()
        failures += check_ledger(topo, member, tally)
    except SystemExit as stopped:  # a step that did not happen in time: report, with the logs
        failures.append(str(stopped.code))
    finally:
        stop_load.set()
        stop_member.set()
        topo.stop()
        psql("postgres", f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")

    # Every log (web, worker, beat, Redis): no client address, token, hash value, case number or
    # PIN, outages or not (deploy/log_scan.py; the submitters' addresses are TEST-NET-2's).
    secrets_file = run_dir / "secrets.json"
    secrets_file.write_text(json.dumps([getattr(topo, "token", "")]))
    scan = subprocess.run(
        [PY, "deploy/log_scan.py", str(run_dir), "--secrets", str(secrets_file)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    print(scan.stdout.strip())
    if scan.returncode:
        failures.append("the logs hold what must never be logged (deploy/log_scan.py above)")
    if tally.errors_out:
        failures.append(
            f"{tally.errors_out} 5xx outside the outage windows: {tally.samples_out[:5]}"
        )
    if tally.replays_accepted:
        failures.append(
            f"{len(tally.replays_accepted)} spent proofs accepted again: {tally.replays_accepted[:5]}"
        )
    if member and member.verified_failures:
        failures.append(f"the member's sync failed verification {member.verified_failures} times")
    print()
    print("outage windows (s from the first fault):")
    first = min((s for _, s, _ in windows.closed), default=0.0)
    for name, start, end in windows.closed:
        print(
            f"  {name:<17} {start - first:6.1f} .. {end - first - GRACE:6.1f} (+{GRACE:.0f} s grace)"
        )
    print()
    print(f"{'accepted':>9} {'lost':>5} {'5xx in':>7} {'5xx out':>8} {'refused-retried':>16} "
          f"{'other 4xx':>10}")  # fmt: skip
    print(f"{len(tally.accepted):>9} {LOST[0]:>5} {tally.errors_in:>7} {tally.errors_out:>8} "
          f"{tally.refused_retried:>16} {sum(tally.refused_other.values()):>10}")  # fmt: skip
    print(f"member syncs by exit code: {dict(sorted(member.codes.items())) if member else {}}; "
          f"other 4xx by status: {tally.refused_other}")  # fmt: skip
    print(f"5xx in the windows (status, code): {tally.errors_by_window}")
    if POW:
        print(
            f"proof of work: {tally.replays_refused} replays of a spent proof refused, "
            f"{len(tally.replays_accepted)} accepted"
        )
    print(f"load {load_seconds:.0f} s, whole run {time.monotonic() - began:.0f} s")
    for failure in failures:
        print(f"FAIL {failure}")
    if failures:
        for name in ("web", "worker", "beat"):
            print(f"--- {name}.log (last 30 lines)")
            path = run_dir / f"{name}.log"
            lines = path.read_text(errors="replace").splitlines() if path.exists() else []
            print("\n".join(lines[-30:]))
        return 1
    if not os.environ.get("RELIABILITY_KEEP"):
        shutil.rmtree(run_dir, ignore_errors=True)
    print("reliability run passed")
    return 0


LOST = [0]


def check_ledger(topo: Topology, member: Member, tally: Tally) -> list[str]:
    failures = []
    verify = topo.manage("ledger", "verify")
    if verify.returncode:
        failures.append(f"manage.py ledger verify failed: {verify.stderr.strip()[-500:]}")
    else:
        log("ok   manage.py ledger verify")
    # No gap: entries are exactly 0 .. size-1, and checkpoint sizes only grow with their ids.
    count, lowest, highest, size = (int(x) for x in psql(
        DB,
        "SELECT count(*), coalesce(min(seq), 0), coalesce(max(seq), -1), "
        "(SELECT size FROM ledger_treestate WHERE id = 1) FROM ledger_entry",
    ).split("|"))  # fmt: skip
    if not (count == size and lowest == 0 and highest == size - 1):
        failures.append(
            f"a gap in the ledger: {count} entries, seq {lowest}..{highest}, size {size}"
        )
    disorder = psql(
        DB,
        "SELECT count(*) FROM (SELECT size, lag(size) OVER (ORDER BY id) AS before "
        "FROM ledger_checkpoint) s WHERE before IS NOT NULL AND size < before",
    )
    if disorder != "0":
        failures.append(f"{disorder} checkpoints smaller than the one before")
    # No loss: every accepted hash is a signal whose add entry is in the published tree.
    values = {(h["type"], h["value"]) for _, hashes in tally.accepted for h in hashes}
    table = topo.dir / "accepted.tsv"
    table.write_text("".join(f"{t}\t{v}\n" for t, v in values))
    rows = subprocess.run(
        ["psql", f"{PG}/{DB}", "-qAtX", "-v", "ON_ERROR_STOP=1"],
        input=(
            "CREATE TEMP TABLE accepted (signal_type text, value text);\n"
            f"\\copy accepted FROM '{table}'\n"
            "SELECT count(*) FROM accepted a LEFT JOIN signals_signal s "
            "ON s.signal_type = a.signal_type AND s.value = a.value "
            "LEFT JOIN ledger_entry e ON e.seq = s.add_seq AND e.signal_id = s.id AND e.kind = 1 "
            "WHERE e.seq IS NULL OR e.seq >= (SELECT max(size) FROM ledger_checkpoint "
            "WHERE published_at IS NOT NULL);\n"
        ),
        check=True, capture_output=True, text=True,
    ).stdout.split()  # fmt: skip
    LOST[0] = int(rows[-1])
    if LOST[0]:
        failures.append(f"{LOST[0]} accepted hash values are not in the published ledger")
    else:
        log(f"ok   all {len(values)} accepted hash values are in the published ledger")
    # The member's verified view: a last sync reaches the published size, and a sample of the
    # accepted MD5s matches in its verified active set.
    code, out = member.sync()
    synced = (out.get("checkpoint") or {}).get("size", out.get("size"))
    if code != 0:
        failures.append(f"the member's final sync exited {code}: {out}")
    elif synced is not None and int(synced) != size:
        failures.append(f"the member synced to size {synced}, the ledger is at {size}")
    else:
        log(f"ok   the member's final verified sync (size {synced})")
    sample = random.sample(tally.accepted, min(20, len(tally.accepted)))
    md5s = [h["value"] for _, hashes in sample for h in hashes if h["type"] == "md5"]
    code, out = member.run("match", *[a for v in md5s for a in ("--md5", v)])
    unmatched = [r for r in out.get("results", []) if not r.get("matches")]
    if code != 0 or unmatched or len(out.get("results", [])) != len(md5s):
        failures.append(f"the member's match of {len(md5s)} accepted MD5s: exit {code}, "
                        f"{len(unmatched)} unmatched")  # fmt: skip
    else:
        log(f"ok   the member matches {len(md5s)} sampled accepted MD5s")
    return failures


if __name__ == "__main__":
    sys.exit(main())
