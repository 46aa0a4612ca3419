"""A client this process knows past its failed-attempt limit is answered in front of Django's
handler (member_portal/api/early_refusal.py's FrontRefusal, what hashbank/wsgi.py serves) with
the very bytes Django's early refusal gave, without a Django request or the database; everything
else still reaches Django (issue 17). Sent as gunicorn hands requests over: a WSGI environ."""

import io
import logging
import time
from types import SimpleNamespace

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from django.test.utils import CaptureQueriesContext

from hashbank.core import ratelimit
from hashbank.wsgi import application
from member_portal.members import services
from tests.fixtures.members import UNKNOWN_TOKEN, wrong_secret

PROXY = "127.0.0.1"
ATTACKER = "203.0.113.7"


@pytest.fixture(autouse=True)
def limits(settings):
    settings.HASHBANK_AUTH_FAILURES_PER_CLIENT = 3
    settings.HASHBANK_AUTH_FAILURES_PER_KEY = 5
    settings.HASHBANK_THROTTLE_48_FACTOR = 10
    settings.HASHBANK_TRUSTED_PROXIES = [PROXY]


@pytest.fixture(autouse=True)
def connection_kept():
    """Django's handler closes the database connection at each request's start and end; that
    would end the test's transaction (PostgreSQL). Django's own test client stops it the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def django_requests():
    """How many requests reached Django's handler (its request_started signal)."""
    seen = []

    def count(**kwargs):
        seen.append(1)

    request_started.connect(count)
    yield seen
    request_started.disconnect(count)


class Answer:
    def __init__(self, status: str, headers: list, body: bytes) -> None:
        self.status, self.headers, self.body = status, headers, body

    @property
    def code(self) -> int:
        return int(self.status[:3])

    def header(self, name: str) -> str:
        return next(v for k, v in self.headers if k.lower() == name.lower())

    def without_retry_after(self) -> list:
        return [(k, v) for k, v in self.headers if k != "Retry-After"]


def send(token: str, path: str = "/api/v1/checkpoint", address: str = ATTACKER, **extra) -> Answer:
    body = extra.pop("body", b"")
    environ = {
        "REQUEST_METHOD": extra.pop("method", "GET"),
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": PROXY,
        "HTTP_HOST": "testserver",
        "HTTP_AUTHORIZATION": f"Bearer {token}",
        "HTTP_X_FORWARDED_FOR": address,
        "wsgi.input": io.BytesIO(body),
        "wsgi.url_scheme": "http",
        "wsgi.errors": io.StringIO(),
        **extra,
    }
    started = []
    result = application(
        environ, lambda status, headers, exc_info=None: started.append((status, headers))
    )
    try:
        content = b"".join(result)
    finally:
        if hasattr(result, "close"):
            result.close()
    return Answer(*started[0], content)


def _past_the_limit(address: str = ATTACKER) -> None:
    for _ in range(3):
        assert send(UNKNOWN_TOKEN, "/api/v1/sync", address).code == 401


@pytest.mark.parametrize(
    ("path", "extra"),
    [
        ("/api/v1/checkpoint", {}),
        ("/api/v1/sync", {"HTTP_ACCEPT_LANGUAGE": "es"}),
        (
            "/api/v1/reports",
            {
                "method": "POST",
                "CONTENT_TYPE": "application/json",
                "CONTENT_LENGTH": "2",
                "body": b"{}",
            },
        ),
        (
            "/peer/v1/reports",
            {
                "method": "POST",
                "CONTENT_TYPE": "application/json",
                "CONTENT_LENGTH": "2",
                "body": b"{}",
            },
        ),
        ("/api/v1/snapshots/12", {"HTTP_ACCEPT": "application/json; indent=4"}),
    ],
)
def test_a_known_client_is_answered_in_front_of_django_with_djangos_own_bytes(
    token, django_requests, path, extra
):
    _past_the_limit()
    forged = wrong_secret(token)
    full = send(forged, path, **dict(extra))  # authentication's 429: the block learnt here
    early = send(forged, path, **dict(extra))  # EarlyRefusalMiddleware's: the template
    assert len(django_requests) == 3 + 2
    front = send(forged, path, **dict(extra))
    assert len(django_requests) == 5  # no Django request was built
    assert front.code == 429 and int(front.header("Retry-After")) > 0
    assert front.header("Content-Security-Policy") and front.header("X-Frame-Options")
    assert (front.status, front.without_retry_after(), front.body) == (
        early.status,
        early.without_retry_after(),
        early.body,
    )
    assert abs(int(front.header("Retry-After")) - int(early.header("Retry-After"))) <= 1
    # and what authentication itself answered, header for header
    assert (front.status, front.body) == (full.status, full.body)
    assert dict(front.without_retry_after()) == dict(full.without_retry_after())


def test_the_front_answer_tells_the_seconds_left_in_the_window_not_the_templates(
    token, django_requests, monkeypatch, settings
):
    settings.HASHBANK_AUTH_FAILURE_WINDOW = 3600
    _past_the_limit()
    for _ in range(2):
        early = send(wrong_secret(token))
    left = int(early.header("Retry-After"))
    shift = left // 2  # a clock half-way to the window's end (the row kept: monotonic time)
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: time.time() + shift))
    front = send(wrong_secret(token))
    assert len(django_requests) == 5
    assert left - shift - 1 <= int(front.header("Retry-After")) <= left - shift


def test_the_front_answer_reads_no_database_and_no_redis(token, django_requests):
    _past_the_limit()
    for _ in range(2):
        send(wrong_secret(token))
    with CaptureQueriesContext(connection) as queries:
        answers = [send(wrong_secret(wrong_secret(token))) for _ in range(5)]
    assert [a.code for a in answers] == [429] * 5
    assert len(queries) == 0 and len(django_requests) == 5


def test_each_language_gets_its_own_answer(token, django_requests):
    _past_the_limit()
    for language in ("en", "es", "es", "en", "es", "en"):
        answer = send(wrong_secret(token), HTTP_ACCEPT_LANGUAGE=language)
        assert answer.code == 429 and answer.header("Content-Language") == language
    assert len(django_requests) == 3 + 2 + 1  # en: full and early; es: early; then the front


def test_a_key_id_whose_row_is_not_kept_goes_on_to_django(token, django_requests, monkeypatch):
    _past_the_limit()
    for _ in range(2):
        send(wrong_secret(token))
    monkeypatch.setattr(services, "RECENT_CREDENTIAL_SECONDS", 0.0)  # no row is ever kept
    before = len(django_requests)
    assert send(wrong_secret(token)).code == 429
    assert len(django_requests) == before + 1
    assert send("hbk_nothing").code == 429  # a malformed token names no row
    assert len(django_requests) == before + 1


def test_a_genuine_token_from_a_known_client_still_works(token, django_requests):
    _past_the_limit()
    for _ in range(3):
        assert send(wrong_secret(token), "/api/v1/sync").code == 429
    assert len(django_requests) == 3 + 2
    answer = send(token, "/api/v1/sync")
    assert answer.code == 200 and len(django_requests) == 6


def test_a_revoked_credential_from_a_known_client_keeps_its_own_answer(member, token):
    _past_the_limit()
    credential, revoked = services.issue_credential(member=member)
    services.revoke_credential(credential=credential)
    for _ in range(3):
        assert send(wrong_secret(token), "/api/v1/sync").code == 429
    for _ in range(2):  # the row, kept a second, is a revoked one: Django answers
        answer = send(wrong_secret(revoked), "/api/v1/sync")
        assert answer.code == 403 and b"credential_revoked" in answer.body


def test_other_clients_and_other_routes_go_on_to_django(token, django_requests):
    _past_the_limit()
    for _ in range(3):
        send(wrong_secret(token))
    before = len(django_requests)
    assert send(wrong_secret(token), address="203.0.113.8").code == 401
    assert send(wrong_secret(token), "/healthz").code == 200
    assert len(django_requests) == before + 2


def test_every_address_of_an_ipv6_64_past_its_limit_is_answered_in_front(token, django_requests):
    _past_the_limit(address="2001:db8:7::1")
    for _ in range(2):
        assert send(UNKNOWN_TOKEN, address="2001:db8:7::2").code == 429
    before = len(django_requests)
    assert send(UNKNOWN_TOKEN, address="2001:db8:7::ffff").code == 429
    assert len(django_requests) == before
    assert send(UNKNOWN_TOKEN, address="2001:db8:8::1").code == 401
    assert len(django_requests) == before + 1


def test_a_flood_is_logged_once_per_client_and_window_without_its_address(token, caplog):
    _past_the_limit()
    _past_the_limit(address="203.0.113.9")
    caplog.clear()
    with caplog.at_level(logging.INFO):
        for n in range(20):
            assert (
                send(wrong_secret(token), address=("203.0.113.7", "203.0.113.9")[n % 2]).code == 429
            )
    messages = [r.getMessage() for r in caplog.records]
    assert sum("refused early" in m for m in messages) == 2
    assert sum("Too Many Requests" in m for m in messages) == 2  # authentication's own, one each
    assert len(messages) == 4
    assert not any("203.0.113" in m or token[:20] in m for m in messages)
