"""A proof of work is spent once while Redis is down, whichever web process serves it: the spent
token is kept in the database (hashbank/core/spent_tokens.py), which every process shares, not in
one process's memory (a replay once per gunicorn worker before). The outage is real: REDIS_URL
names a loopback port where nothing listens."""

from __future__ import annotations

import datetime
import http.cookiejar
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from hashbank.core.models import SpentToken
from tests.fixtures.outages import free_port
from tests.fixtures.values import ATTESTED, md5
from tests.submissions.test_proof_of_work import required, solved, submit

ROOT = Path(__file__).resolve().parents[2]
REDIS_DOWN = "redis://127.0.0.1:1/0"


@pytest.fixture(autouse=True)
def proof_from_the_first(settings):
    """Every submission needs an 8-bit proof, never more (so a replay is refused for being spent,
    not for a difficulty that rose); Redis configured, and nothing listening there."""
    settings.HASHBANK_POW_FREE_PER_DAY = 0
    settings.HASHBANK_POW_BASE_BITS = 8
    settings.HASHBANK_POW_MAX_BITS = 8
    settings.REDIS_URL = REDIS_DOWN


def test_a_proof_spent_while_redis_is_down_is_refused_the_second_time(browser_client):
    answer = solved(required(browser_client))
    assert submit(browser_client, proof=answer).status_code == 201
    replay = submit(browser_client, proof=answer)
    assert (replay.status_code, replay.json()["error"]["code"]) == (400, "pow_invalid")
    assert SpentToken.objects.count() == 1


def test_spending_a_token_deletes_the_spent_tokens_past_their_expiry(browser_client):
    assert submit(browser_client, proof=solved(required(browser_client))).status_code == 201
    SpentToken.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    (old,) = SpentToken.objects.values_list("token", flat=True)
    assert submit(browser_client, proof=solved(required(browser_client))).status_code == 201
    tokens = list(SpentToken.objects.values_list("token", flat=True))
    assert len(tokens) == 1 and tokens != [old]


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="another process cannot open the in-memory SQLite test database",
)
def test_a_proof_spent_while_redis_is_down_is_refused_by_another_process(
    browser_client, transactional_db, settings, tmp_path
):
    other = OtherProcess(tmp_path, secret_key=settings.SECRET_KEY)
    try:
        other.start()
        # A proof spent in this process is spent for the other one too.
        answer = solved(required(browser_client))
        assert submit(browser_client, proof=answer).status_code == 201
        replay = other.submit(answer)
        assert (replay.status, replay.json()["error"]["code"]) == (400, "pow_invalid")
        # ... which takes a proof it issued itself: it serves, and refused that one as spent.
        own = other.submit(None)
        assert (own.status, own.json()["error"]["code"]) == (428, "pow_required")
        assert other.submit(solved(own.json()["error"]["detail"])).status == 201
    finally:
        other.stop()


class Answer:
    def __init__(self, status: int, body: bytes) -> None:
        self.status, self.body = status, body

    def json(self):
        return json.loads(self.body)


class OtherProcess:
    """The bank in a second process (`manage.py runserver --noreload`) on the test database, with
    the same SECRET_KEY (so a challenge one process issued is valid at the other) and Redis
    down; over HTTP from 127.0.0.1, as the test client's requests are."""

    def __init__(self, directory: Path, *, secret_key: str) -> None:
        self.port = free_port()
        db = connection.settings_dict
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
        self.env.update(
            DJANGO_SETTINGS_MODULE="hashbank.settings",
            HASHBANK_ENV="test",
            DATABASE_URL=(
                f"postgres://{db.get('USER') or 'postgres'}@{db.get('HOST') or '127.0.0.1'}:"
                f"{db.get('PORT') or 5432}/{db['NAME']}"
            ),
            REDIS_URL=REDIS_DOWN,
            SECRET_KEY=secret_key,
            HASHBANK_VAR_DIR=str(directory),
            HASHBANK_KEY_DIR=str(directory / "keys"),
            HASHBANK_TILES_DIR=str(directory / "tiles"),
            HASHBANK_POW_FREE_PER_DAY="0",
            HASHBANK_POW_BASE_BITS="8",
            HASHBANK_POW_MAX_BITS="8",
            PYTHONPATH=str(ROOT),
        )
        self.log_path = directory / "server.log"
        self.process: subprocess.Popen | None = None
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def start(self) -> None:
        with open(self.log_path, "w") as log:
            self.process = subprocess.Popen(
                [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{self.port}"],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 60
        while not self._serving():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(
                    f"the other process did not serve: {self.log_path.read_text()}"
                )
            time.sleep(0.1)

    def _serving(self) -> bool:
        try:
            return self.request("GET", "/submit/").status == 200
        except OSError:
            return False

    def request(self, method: str, path: str, body: bytes | None = None, **headers) -> Answer:
        url = f"http://127.0.0.1:{self.port}{path}"
        request = urllib.request.Request(url, data=body, method=method, headers=headers)
        try:
            with self.opener.open(request, timeout=30) as response:
                return Answer(response.status, response.read())
        except urllib.error.HTTPError as exc:
            with exc:
                return Answer(exc.code, exc.read())

    def submit(self, proof: dict | None) -> Answer:
        token = next(c.value for c in self.cookies if c.name == "csrftoken")
        body = {"hashes": [md5()], "attestations": ATTESTED}
        if proof is not None:
            body["proof"] = proof
        return self.request(
            "POST",
            "/api/v1/submissions",
            json.dumps(body).encode(),
            **{"Content-Type": "application/json", "X-CSRFToken": token},
        )

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=20)


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs a real Redis: set REDIS_URL")
def test_a_proof_spent_while_redis_was_down_stays_spent_once_redis_is_back(
    browser_client, settings
):
    answer = solved(required(browser_client))
    assert submit(browser_client, proof=answer).status_code == 201
    settings.REDIS_URL = os.environ["REDIS_URL"]
    replay = submit(browser_client, proof=answer)
    assert (replay.status_code, replay.json()["error"]["code"]) == (400, "pow_invalid")


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs a real Redis: set REDIS_URL")
def test_a_proof_spent_while_redis_answered_stays_spent_when_redis_goes_down(
    browser_client, settings
):
    settings.REDIS_URL = os.environ["REDIS_URL"]
    answer = solved(required(browser_client))
    assert submit(browser_client, proof=answer).status_code == 201
    settings.REDIS_URL = REDIS_DOWN
    replay = submit(browser_client, proof=answer)
    assert (replay.status_code, replay.json()["error"]["code"]) == (400, "pow_invalid")
