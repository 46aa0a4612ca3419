"""The front refusal (member_portal/api/early_refusal.py's FrontRefusal) in the real server:
gunicorn with deploy/gunicorn.conf.py serving hashbank.wsgi, one worker, its own SQLite file,
spoken to in raw HTTP from behind the trusted loopback proxy (issue 17)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.fixtures.members import UNKNOWN_TOKEN, wrong_secret

ROOT = Path(__file__).resolve().parents[2]
ATTACKER = "203.0.113.7"


def _manage(env: dict, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True
    )
    return done.stdout.decode()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    directory = tmp_path_factory.mktemp("front")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "REDIS_URL") and not key.startswith("PYTEST")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="hashbank.settings",
        HASHBANK_ENV="embedded",
        DATABASE_URL=f"sqlite:///{directory / 'bank.sqlite3'}",
        HASHBANK_VAR_DIR=str(directory),
        HASHBANK_TRUSTED_PROXIES="127.0.0.1",
        HASHBANK_AUTH_FAILURES_PER_CLIENT="3",
        HASHBANK_LOG_LEVEL="INFO",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_WORKERS="1",
        GUNICORN_ACCESSLOG=str(directory / "access.log"),
    )
    _manage(env, "migrate", "-v0")
    _manage(env, "createmember", "front-test", "--name", "Front")
    token = _manage(env, "issuecredential", "front-test").strip().splitlines()[-1]
    errors = open(directory / "error.log", "w")  # noqa: SIM115 - the server's stderr
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "hashbank.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=errors,
        stderr=errors,
    )
    try:
        deadline = time.monotonic() + 60
        while True:  # until the server answers (or has died)
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert process.poll() is None and time.monotonic() < deadline, "did not start"
                time.sleep(0.05)
        yield SimpleServer(port, token, directory)
    finally:
        process.terminate()
        process.wait(timeout=30)
        errors.close()


class SimpleServer:
    def __init__(self, port: int, token: str, directory: Path) -> None:
        self.port, self.token, self.directory = port, token, directory

    def send(self, token: str, path: str = "/api/v1/checkpoint", extra: str = "") -> bytes:
        request = (
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
            f"Authorization: Bearer {token}\r\nX-Forwarded-For: {ATTACKER}\r\n{extra}\r\n"
        ).encode()
        with socket.create_connection(("127.0.0.1", self.port), timeout=30) as sock:
            sock.sendall(request)
            answer = b""
            while chunk := sock.recv(65536):
                answer += chunk
        return answer

    def log(self) -> str:
        return (self.directory / "error.log").read_text()


def _but_the_clock(answer: bytes) -> bytes:
    """The answer without the Date and Retry-After lines (a second may tick between two)."""
    head, _, body = answer.partition(b"\r\n\r\n")
    lines = [
        line for line in head.split(b"\r\n") if not line.startswith((b"Date:", b"Retry-After:"))
    ]
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


def test_gunicorn_answers_a_known_client_with_the_bytes_django_gave(server):
    for _ in range(3):
        assert server.send(UNKNOWN_TOKEN, "/api/v1/sync").startswith(b"HTTP/1.1 401 ")
    forged = wrong_secret(server.token)
    answers = [server.send(forged, extra="Accept-Language: es\r\n") for _ in range(6)]
    full, early, *front = answers  # authentication's, EarlyRefusalMiddleware's, FrontRefusal's
    assert full.startswith(b"HTTP/1.1 429 Too Many Requests\r\n")
    assert b"Content-Language: es\r\n" in full and b"Content-Security-Policy: " in full
    assert b"Retry-After: " in front[-1]
    assert {_but_the_clock(a) for a in front} == {_but_the_clock(early)}
    full_head, _, full_body = _but_the_clock(full).partition(b"\r\n\r\n")
    front_head, _, front_body = _but_the_clock(front[0]).partition(b"\r\n\r\n")
    assert front_body == full_body
    assert sorted(front_head.split(b"\r\n")) == sorted(full_head.split(b"\r\n"))
    # the genuine token still works from that client
    assert server.send(server.token, "/api/v1/sync").startswith(b"HTTP/1.1 200 ")
    log = server.log()
    assert log.count("refused early") == 1  # not one line per refusal
    assert log.count("Too Many Requests") == 1  # authentication's own refusal
    assert ATTACKER not in log and forged[-20:] not in log
    access = (server.directory / "access.log").read_text()
    assert access.count('"status":429') == 6  # gunicorn's access log keeps every request
