"""The three-bank federation demo and its smoke test (run by deploy/federation-demo.sh).

Banks a, b and c each run `manage.py runserver --noreload` (embedded) or runserver with a Celery
worker and beat (DATABASE_URL + REDIS_URL set), with their own database, port, key directory,
tiles and origin. Each bank peers with the two others with the real commands. The smoke test,
as a person, a member platform of bank B and A's reviewers:

1. a case submitted at A is matched by B's member, with origin A, verified with A's keys;
2. the person withdraws at A; B's member stops matching after its next sync (the removal's lag,
   from A's published removal to the member's sync no longer matching, is printed);
3. a dispute B's member raises about another of A's signals reaches A's review queue as from
   peer B; A's reviewers uphold it (four eyes), and B's and C's members stop matching it; B's
   member reads A's decision from B.

Exit status 1 on the first failure, with the banks' logs."""

from __future__ import annotations

import argparse
import http.cookiejar
import io
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from member_portal.client import cli  # noqa: E402  (the repository, not this directory)

PY = sys.executable
ATTESTED = {"adult": True, "depicted": True, "consent": True}
DECIDE = """
from django.contrib.auth import get_user_model
from hashbank.disputes import services
from hashbank.disputes.models import Dispute
dispute = Dispute.objects.get(idempotency_key={forward_id!r})
print("QUEUED", dispute.member.slug, dispute.forwarded_for)
for name in ("reviewer-1", "reviewer-2"):
    reviewer, _ = get_user_model().objects.get_or_create(username=name, defaults={{"is_staff": True}})
    dispute = services.uphold(dispute=dispute, reviewer=reviewer, reason_code="false_positive",
                              reason="Reviewed at A: not the person.")
print("DECIDED", dispute.status)
"""


class Failed(Exception):
    pass


def check(condition, what: str) -> None:
    if not condition:
        raise Failed(what)
    print(f"ok   {what}")


def wait_for(condition, *, timeout: float, what: str, interval: float = 0.25):
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise Failed(f"not within {timeout:.0f} s: {what}")
        time.sleep(interval)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Bank:
    def __init__(self, name: str, run_dir: Path, index: int, production: bool) -> None:
        self.name = name
        self.dir = run_dir / name
        self.dir.mkdir(parents=True)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.origin = f"{name}.federation-demo.test/hashbank"
        self.processes: list[subprocess.Popen] = []
        self.env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
        self.env.update(
            HASHBANK_ENV="embedded",
            HASHBANK_VAR_DIR=str(self.dir),
            HASHBANK_KEY_DIR=str(self.dir / "keys"),
            HASHBANK_TILES_DIR=str(self.dir / "tiles"),
            HASHBANK_SNAPSHOT_DIR=str(self.dir / "snapshots"),
            HASHBANK_ORIGIN=self.origin,
            HASHBANK_PUBLIC_URL=self.url,
            HASHBANK_MIRROR_INTERVAL=os.environ.get("HASHBANK_MIRROR_INTERVAL", "5"),
            HASHBANK_FORWARD_SWEEP_SECONDS="2",
            HASHBANK_FORWARD_POLL_SECONDS="2",
            HASHBANK_DISPUTE_REVIEWERS="2",
            # The demo follows a withdrawal from the moment it takes effect: no cooling-off
            # period (a real bank keeps its 24 h, docs/submissions.md).
            HASHBANK_WITHDRAWAL_COOLING_OFF=os.environ.get("HASHBANK_WITHDRAWAL_COOLING_OFF", "0"),
            PYTHONPATH=str(ROOT),
        )
        if production:
            base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
            self.database = f"hb_federation_demo_{name}"
            subprocess.run(
                ["psql", f"{base}/postgres", "-qc", f"DROP DATABASE IF EXISTS {self.database}",
                 "-c", f"CREATE DATABASE {self.database}"],
                check=True, capture_output=True,
            )  # fmt: skip
            redis = urllib.parse.urlsplit(os.environ["REDIS_URL"])
            self.env.update(
                DATABASE_URL=f"{base}/{self.database}",
                REDIS_URL=f"{redis.scheme}://{redis.netloc}/{10 + index}",
                CELERY_QUEUE=f"federation-demo-{name}-{os.getpid()}",
            )
        else:
            self.env["DATABASE_URL"] = f"sqlite:///{self.dir / 'bank.sqlite3'}"
        self.production = production
        self.token = ""
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def manage(self, *args: str) -> str:
        result = subprocess.run(
            [PY, str(ROOT / "manage.py"), *args],
            cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
        if result.returncode != 0:
            raise Failed(f"bank {self.name}: manage.py {args[0]}: {result.stderr[-2000:]}")
        return result.stdout

    def setup(self) -> None:
        self.manage("migrate", "-v0")
        out = self.manage("firststart", "--admin", f"admin-{self.name}").splitlines()
        index = next(i for i, line in enumerate(out) if "Demo member credential" in line)
        self.token = out[index + 1].strip()

    def spawn(self, *command: str, log: str) -> None:
        handle = open(self.dir / log, "w")  # noqa: SIM115 (closed with the process)
        self.processes.append(
            subprocess.Popen(
                command,
                cwd=ROOT,
                env=self.env,
                stdout=handle,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        )

    def start(self) -> None:
        self.spawn(PY, "manage.py", "runserver", "--noreload", f"127.0.0.1:{self.port}",
                   log="server.log")  # fmt: skip
        if self.production:
            celery = [PY, "-m", "celery", "-A", "hashbank"]
            self.spawn(*celery, "worker", "-Q", self.env["CELERY_QUEUE"], "--concurrency=1",
                       "-n", f"{self.name}-{os.getpid()}@%h", log="worker.log")  # fmt: skip
            self.spawn(*celery, "beat", f"--schedule={self.dir / 'beat-schedule'}",
                       log="beat.log")  # fmt: skip
        wait_for(lambda: self.status("/healthz") == 200, timeout=60, what=f"{self.name} is up")

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)

    def request(self, method: str, path: str, body: dict | None = None, token: str = ""):
        headers = {"Content-Type": "application/json"} if body is not None else {}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        csrf = next((c.value for c in self.cookies if c.name == "csrftoken"), None)
        if csrf and not token:
            headers["X-CSRFToken"] = csrf
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.url + path, data=data, method=method, headers=headers)
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            with exc:
                return exc.code, exc.read()
        except OSError:
            return 0, b""

    def status(self, path: str) -> int:
        return self.request("GET", path)[0]

    def json(self, method: str, path: str, body=None, token: str = ""):
        status, data = self.request(method, path, body, token)
        return status, (json.loads(data) if data[:1] in (b"{", b"[") else {})

    def published_size(self) -> int:
        status, data = self.request("GET", "/log/checkpoint")
        return int(data.decode().split("\n")[1]) if status == 200 else 0

    def submit(self, value: str) -> dict:
        self.request("GET", "/submit/")
        before = self.published_size()
        status, case = self.json(
            "POST", "/api/v1/submissions",
            {"hashes": [{"type": "pdq", "value": value, "quality": 90}], "attestations": ATTESTED},
        )  # fmt: skip
        check(status == 201, f"a person submits a case at {self.name}")
        wait_for(lambda: self.published_size() > before, timeout=60, what=f"{self.name} publishes")
        return case

    def log_key(self) -> str:
        return self.json("GET", "/.well-known/hashbank")[1]["log_keys"][0]


class Member:
    """The reference client of bank B's demo member (member_portal.client, in this process)."""

    def __init__(self, bank: Bank, run_dir: Path) -> None:
        self.bank = bank
        roots = bank.json("GET", "/api/v1/roots", token=bank.token)[1]["roots"]
        self.root = run_dir / f"{bank.name}-member-root.note"
        self.root.write_text(roots[0])
        self.state = run_dir / f"{bank.name}-member-state.sqlite"

    def run(self, *args: str) -> tuple[int, dict]:
        os.environ["HASHBANK_TOKEN"] = self.bank.token
        argv = ["--state", str(self.state), "--json", *args]
        if args[0] == "sync":
            argv += ["--server", self.bank.url, "--root", str(self.root)]
        out, errors = io.StringIO(), io.StringIO()
        # Errors go to stderr (a bank's own empty log has no checkpoint yet): not the smoke's.
        with redirect_stdout(out), redirect_stderr(errors):
            code = cli.main(argv)
        return code, json.loads(out.getvalue() or "{}")

    def matches(self, value: str, origin: str) -> list[dict]:
        self.run("sync")
        code, found = self.run("match", "--pdq", value)
        if code != 0:
            return []
        return [m for m in found["results"][0]["matches"] if m["origin"] == origin]


def smoke(a: Bank, b: Bank, c: Bank, run_dir: Path) -> None:
    member_b, member_c = Member(b, run_dir), Member(c, run_dir)
    lag = 60.0  # the mirror's default cadence is 30 s; the demo's is HASHBANK_MIRROR_INTERVAL

    # 1. A's case, matched by B's member with A's provenance.
    value = secrets.token_hex(32)
    case = a.submit(value)
    found = wait_for(
        lambda: member_b.matches(value, a.origin), timeout=lag, what="B's member matches A's case"
    )
    check(found[0]["action"] == "match" and found[0]["checkpoint"]["origin"] == a.origin,
          "the match names origin A, verified with A's checkpoint")  # fmt: skip

    # 2. The person withdraws at A; B's member stops matching after its next sync.
    a.request("GET", "/submit/")
    before = a.published_size()
    status, _ = a.json(
        "POST", "/api/v1/cases/withdraw",
        {"case_number": case["case_number"], "pin": case["pin"], "hashes": "all"},
    )  # fmt: skip
    check(status == 200, "the person withdraws the case at A")
    wait_for(lambda: a.published_size() > before, timeout=60, what="A publishes the removal")
    removed_at = time.monotonic()
    wait_for(
        lambda: not member_b.matches(value, a.origin), timeout=lag, what="B's member stops matching"
    )
    print(f"     removal propagation A -> member of B: {time.monotonic() - removed_at:.1f} s")

    # 3. A dispute from B's member reaches A; an uphold removes the signal for B's and C's members.
    value = secrets.token_hex(32)
    a.submit(value)
    (match,) = wait_for(
        lambda: member_b.matches(value, a.origin), timeout=lag, what="B's member matches"
    )
    wait_for(lambda: member_c.matches(value, a.origin), timeout=lag, what="C's member matches")
    status, dispute = b.json(
        "POST", "/api/v1/disputes",
        {"origin": a.origin, "seq": match["seq"], "reason": "false_positive"}, token=b.token,
    )  # fmt: skip
    check(status == 201, "B's member raises a dispute about A's signal at B")
    path = f"/api/v1/disputes/{dispute['id']}?origin={urllib.parse.quote(a.origin)}"
    wait_for(
        lambda: b.json("GET", path, token=b.token)[1]["forward"]["state"] == "delivered",
        timeout=60, what="B delivers the dispute to A",
    )  # fmt: skip
    out = a.manage("shell", "-c", DECIDE.format(forward_id=dispute["forward"]["id"]))
    check("QUEUED peer-b " in out, "the dispute is in A's queue as from peer B for B's member")
    check("DECIDED upheld" in out, "A's reviewers uphold it (four eyes)")
    for member in (member_b, member_c):
        wait_for(lambda m=member: not m.matches(value, a.origin), timeout=lag,
                 what=f"{member.bank.name}'s member stops matching the disputed signal")  # fmt: skip
    check(True, "the uphold removed the signal for the members of B and C")
    decided = wait_for(
        lambda: (d := b.json("GET", path, token=b.token)[1]).get("status") == "upheld" and d,
        timeout=60, what="B reads A's decision",
    )  # fmt: skip
    check(decided["decision"]["code"] == "false_positive", "B's member reads A's decision from B")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)
    production = bool(os.environ.get("DATABASE_URL") and os.environ.get("REDIS_URL"))
    run_dir = Path(tempfile.mkdtemp(prefix="hashbank-federation."))
    banks = [Bank(name, run_dir, i, production) for i, name in enumerate("abc")]
    a, b, c = banks
    print(f"run dir: {run_dir} ({'PostgreSQL + Redis, Celery' if production else 'embedded'})")
    try:
        for bank in banks:
            bank.setup()
            bank.start()
        for bank in banks:
            for other in banks:
                if other is not bank:
                    other.manage("createmember", f"peer-{bank.name}", "--name",
                                 f"Bank {bank.name.upper()}", "--peer")  # fmt: skip
                    token = other.manage("issuecredential", f"peer-{bank.name}").splitlines()[-1]
                    bank.manage("peers", "add", other.url, "--name", other.name,
                                "--credential", token, "--expect-key", other.log_key())  # fmt: skip
        check(True, "three banks peer with each other (createmember --peer, peers add)")
        for bank in banks:
            print(f"     bank {bank.name}: {bank.url} ({bank.origin})")
        if not args.smoke:
            print(f"bank B's demo member token: {b.token}\nCtrl-C stops")
            signal.sigwait({signal.SIGINT, signal.SIGTERM})
            return 0
        smoke(a, b, c, run_dir)
        print("federation smoke test passed")
        return 0
    except Failed as failure:
        print(f"FAIL {failure}")
        for bank in banks:
            for log in sorted(bank.dir.glob("*.log")):
                print(f"--- {bank.name}/{log.name}")
                print("\n".join(log.read_text().splitlines()[-30:]))
        return 1
    finally:
        for bank in banks:
            bank.stop()
        if args.smoke:
            shutil.rmtree(run_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
