"""A bank in a process of its own: `manage.py runserver --noreload` on a free port, its own
SQLite file, key directory, tiles and origin, tasks in-process (no REDIS_URL). Set up with the
real commands (`migrate`, `firststart`, `witness show`, `witness add-log`); the test talks to it
over HTTP only."""

from __future__ import annotations

import http.cookiejar
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from member_portal.feed import note
from tests.fixtures.values import ATTESTED

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    """A port the kernel chose (bind to port 0), free when this returns."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(condition, *, timeout: float = 60.0, interval: float = 0.05, what: str = ""):
    """Poll `condition()` until it returns something truthy; that value. Fails at the deadline."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout} s: {what}")
        time.sleep(interval)


class Response:
    def __init__(self, status: int, headers, body: bytes) -> None:
        self.status, self.headers, self.body = status, headers, body

    @property
    def text(self) -> str:
        return self.body.decode()

    def json(self):
        return json.loads(self.body)


class Bank:
    def __init__(self, name: str, directory: Path, **settings: str) -> None:
        self.name = name
        self.directory = directory
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.origin = f"{name}.bank.test/hashbank"
        self.policy = directory / "witness-policy.txt"
        self.env = {
            key: value
            for key, value in os.environ.items()
            if key not in ("DATABASE_URL", "REDIS_URL", "HASHBANK_SIGNING_KEYS")
            and not key.startswith("PYTEST")
        }
        self.env.update(
            DJANGO_SETTINGS_MODULE="hashbank.settings",
            HASHBANK_ENV="embedded",
            DATABASE_URL=f"sqlite:///{directory / 'bank.sqlite3'}",
            HASHBANK_VAR_DIR=str(directory),
            HASHBANK_KEY_DIR=str(directory / "keys"),
            HASHBANK_TILES_DIR=str(directory / "tiles"),
            HASHBANK_SNAPSHOT_DIR=str(directory / "snapshots"),
            HASHBANK_ORIGIN=self.origin,
            HASHBANK_PUBLIC_URL=self.url,
            PYTHONPATH=str(ROOT),
            **settings,
        )
        # These tests follow a withdrawal from the moment it takes effect (issue 18: the
        # cooling-off period set to 0); a test that needs one passes its own setting.
        self.env.setdefault("HASHBANK_WITHDRAWAL_COOLING_OFF", "0")
        # These tests send many cases from one address; the proof of work past a few a day has
        # its own tests (tests/submissions/test_proof_of_work.py).
        self.env.setdefault("HASHBANK_POW_FREE_PER_DAY", "1000000")
        self.process: subprocess.Popen | None = None
        self.token = ""
        self._log = None
        self._cookies = http.cookiejar.CookieJar()
        self._opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self._cookies)
        )

    # --- set-up, with the real commands -------------------------------------------------------

    def run_manage(self, *args: str) -> subprocess.CompletedProcess:
        """manage.py with this bank's environment, whatever its exit status."""
        return subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    def manage(self, *args: str) -> str:
        result = subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert result.returncode == 0, f"manage.py {' '.join(args)}: {result.stderr}"
        return result.stdout

    def first_start(self) -> None:
        self.manage("migrate", "-v0")
        out = self.manage("firststart", "--admin", f"admin-{self.name}")
        # The demo member's credential is the line after "Demo member credential".
        lines = out.splitlines()
        index = next(i for i, line in enumerate(lines) if "Demo member credential" in line)
        self.token = lines[index + 1].strip()
        self.witness_vkey = self.manage("witness", "show").strip().splitlines()[-1]

    def start(self) -> None:
        """Serve, with the witness policy if one was written (a bank without one publishes every
        seal at once)."""
        if self.policy.exists():
            self.env["HASHBANK_WITNESS_POLICY"] = str(self.policy)
        self._log = open(self.directory / "server.log", "w")  # noqa: SIM115
        self.process = subprocess.Popen(
            [
                sys.executable,
                str(ROOT / "manage.py"),
                "runserver",
                "--noreload",
                f"127.0.0.1:{self.port}",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

        def up():
            if self.process.poll() is not None:
                raise AssertionError(f"bank {self.name} exited: {self.server_log()}")
            try:
                return self.get("/healthz").status == 200
            except OSError:
                return False

        wait_for(up, timeout=60, what=f"bank {self.name} answers /healthz")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=20)
        if self._log is not None:
            self._log.close()
            self._log = None

    def server_log(self) -> str:
        path = self.directory / "server.log"
        return path.read_text() if path.exists() else ""

    # --- HTTP ---------------------------------------------------------------------------------

    def request(self, method: str, path: str, body: bytes | None = None, **headers) -> Response:
        request = urllib.request.Request(self.url + path, data=body, method=method, headers=headers)
        try:
            with self._opener.open(request, timeout=30) as response:
                return Response(response.status, response.headers, response.read())
        except urllib.error.HTTPError as exc:
            with exc:
                return Response(exc.code, exc.headers, exc.read())

    def get(self, path: str, **headers) -> Response:
        return self.request("GET", path, **headers)

    def submit(self, hashes: list[dict]) -> Response:
        """A person's submission through the public API, as the page sends it (CSRF cookie and
        header)."""
        self.get("/submit/")
        token = next(c.value for c in self._cookies if c.name == "csrftoken")
        body = json.dumps({"hashes": hashes, "attestations": ATTESTED}).encode()
        return self.request(
            "POST",
            "/api/v1/submissions",
            body,
            **{"Content-Type": "application/json", "X-CSRFToken": token},
        )

    def withdraw(self, case_number: str, pin: str) -> Response:
        """The person withdraws every hash of their case (as the status page sends it)."""
        self.get("/submit/")
        token = next(c.value for c in self._cookies if c.name == "csrftoken")
        body = json.dumps({"case_number": case_number, "pin": pin, "hashes": "all"}).encode()
        return self.request(
            "POST",
            "/api/v1/cases/withdraw",
            body,
            **{"Content-Type": "application/json", "X-CSRFToken": token},
        )

    def member_checkpoint(self) -> Response:
        return self.get("/api/v1/checkpoint", Authorization=f"Bearer {self.token}")

    def add_checkpoint(self, body: bytes) -> Response:
        return self.request(
            "POST", "/witness/add-checkpoint", body, **{"Content-Type": "text/plain"}
        )

    def discovery(self) -> dict:
        return self.get("/.well-known/hashbank").json()

    # --- federation (docs/federation.md) ------------------------------------------------------

    def log_key(self) -> str:
        """The bank's (first) log verifier key, as its operator would give it out of band."""
        return self.discovery()["log_keys"][0]

    def peer_credential(self, slug: str) -> str:
        """On this bank (A): a peer member for the bank `slug` and its credential (the token)."""
        self.manage("createmember", slug, "--name", f"Bank {slug}", "--peer")
        return self.manage("issuecredential", slug).strip().splitlines()[-1]

    def peer_with(self, origin_bank: Bank, name: str | None = None, via: str = "") -> str:
        """On this bank (B): `peers add` the bank `origin_bank` (A), with a peer credential A
        issued and A's log key pinned (reached at `via`, e.g. a test's proxy, if given); returns
        the peer's name."""
        name = name or origin_bank.name
        token = origin_bank.peer_credential(f"peer-{self.name}")
        self.manage(
            "peers",
            "add",
            via or origin_bank.url,
            "--name",
            name,
            "--credential",
            token,
            "--expect-key",
            origin_bank.log_key(),
        )
        return name

    def log_signers(self):
        """The bank's log signing keys, read from its key directory (tests forge with them)."""
        return [
            note.Signer.parse(path.read_text())
            for path in sorted((self.directory / "keys").glob("*.key"))
        ]
