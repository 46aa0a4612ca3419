"""A client past its failed-attempt limit is refused at the front of the middlewares
(member_portal/api/early_refusal.py) with exactly the answer authentication gave it, and nobody
else is refused there (issue 17)."""

import pytest
from django.db import connection

from member_portal.members import services
from tests.fixtures.members import UNKNOWN_TOKEN, ApiClient, wrong_secret
from tests.fixtures.outages import database_refusing

ATTACKER = "203.0.113.7"


@pytest.fixture(autouse=True)
def limits(settings):
    settings.HASHBANK_AUTH_FAILURES_PER_CLIENT = 3
    settings.HASHBANK_AUTH_FAILURES_PER_KEY = 5
    settings.HASHBANK_THROTTLE_48_FACTOR = 10


def _early(response) -> bool:
    return hasattr(response.wsgi_request, "early_refusal")


def _past_the_limit(address: str = ATTACKER) -> None:
    for _ in range(3):
        response = ApiClient(UNKNOWN_TOKEN).get("/api/v1/sync", REMOTE_ADDR=address)
        assert response.status_code == 401


def _same_answer(full, early) -> None:
    assert (early.status_code, early.content) == (full.status_code, full.content)
    assert abs(int(early["Retry-After"]) - int(full["Retry-After"])) <= 1  # a second may tick
    headers = lambda r: {k: v for k, v in r.headers.items() if k != "Retry-After"}  # noqa: E731
    assert headers(early) == headers(full)


@pytest.mark.parametrize(
    ("method", "path", "extra"),
    [
        ("get", "/api/v1/checkpoint", {}),
        ("get", "/api/v1/sync", {"HTTP_ACCEPT_LANGUAGE": "es"}),
        ("post", "/api/v1/reports", {"content_type": "application/json", "data": "{}"}),
        ("post", "/peer/v1/reports", {"content_type": "application/json", "data": "{}"}),
        ("get", "/api/v1/snapshots/12", {"HTTP_ACCEPT": "application/json; indent=4"}),
    ],
)
def test_the_early_refusal_answers_exactly_as_authentication_did(token, method, path, extra):
    _past_the_limit()
    attacker = ApiClient(wrong_secret(token))
    send = getattr(attacker, method)
    full = send(path, REMOTE_ADDR=ATTACKER, **extra)  # this process learns of the block here
    early = send(path, REMOTE_ADDR=ATTACKER, **extra)
    assert not _early(full) and _early(early)
    assert early.status_code == 429
    assert early.json()["error"]["code"] == "too_many_failed_attempts"
    assert int(early["Retry-After"]) > 0
    assert early["Content-Security-Policy"] and early["X-Content-Type-Options"] == "nosniff"
    _same_answer(full, early)


@pytest.mark.parametrize("bad", ["unknown key id", "malformed", "wrong secret"])
def test_every_token_authentication_refuses_from_such_a_client_is_refused_early(token, bad):
    _past_the_limit()
    sent = {
        "unknown key id": UNKNOWN_TOKEN,
        "malformed": "hbk_nothing",
        "wrong secret": wrong_secret(token),
    }
    full = ApiClient(sent[bad]).get("/api/v1/checkpoint", REMOTE_ADDR=ATTACKER)
    early = ApiClient(sent[bad]).get("/api/v1/checkpoint", REMOTE_ADDR=ATTACKER)
    assert _early(early)
    _same_answer(full, early)


def test_a_genuine_token_from_a_client_past_its_limit_still_works(token):
    _past_the_limit()
    for _ in range(2):  # the second is refused early, which keeps the credential's row a second
        forged = ApiClient(wrong_secret(token)).get("/api/v1/sync", REMOTE_ADDR=ATTACKER)
        assert forged.status_code == 429
    assert _early(forged)
    response = ApiClient(token).get("/api/v1/sync", REMOTE_ADDR=ATTACKER)
    assert response.status_code == 200 and not _early(response)


def test_a_client_under_its_limit_is_not_refused_early(token):
    _past_the_limit()
    assert (
        ApiClient(wrong_secret(token)).get("/api/v1/sync", REMOTE_ADDR=ATTACKER).status_code == 429
    )
    response = ApiClient(wrong_secret(token)).get("/api/v1/sync", REMOTE_ADDR="203.0.113.8")
    assert response.status_code == 401 and not _early(response)
    assert ApiClient(token).get("/api/v1/sync", REMOTE_ADDR="203.0.113.8").status_code == 200


def test_a_revoked_credential_from_such_a_client_keeps_its_own_answer(member, token):
    _past_the_limit()
    credential, revoked = services.issue_credential(member=member)
    services.revoke_credential(credential=credential)
    assert ApiClient(UNKNOWN_TOKEN).get("/api/v1/sync", REMOTE_ADDR=ATTACKER).status_code == 429
    response = ApiClient(wrong_secret(revoked)).get("/api/v1/sync", REMOTE_ADDR=ATTACKER)
    assert response.status_code == 403 and not _early(response)
    assert response.json()["error"]["code"] == "credential_revoked"


def test_a_suspended_members_token_from_such_a_client_keeps_its_own_answer(member, token):
    _past_the_limit()
    assert ApiClient(UNKNOWN_TOKEN).get("/api/v1/sync", REMOTE_ADDR=ATTACKER).status_code == 429
    services.suspend_member(member=member)
    response = ApiClient(token).get("/api/v1/sync", REMOTE_ADDR=ATTACKER)
    assert response.status_code == 403 and not _early(response)
    assert response.json()["error"]["code"] == "member_suspended"


def test_every_address_of_an_ipv6_64_past_its_limit_is_refused_early(token):
    _past_the_limit(address="2001:db8:7::1")
    assert (
        ApiClient(UNKNOWN_TOKEN).get("/api/v1/sync", REMOTE_ADDR="2001:db8:7::2").status_code == 429
    )
    response = ApiClient(UNKNOWN_TOKEN).get("/api/v1/sync", REMOTE_ADDR="2001:db8:7::ffff")
    assert response.status_code == 429 and _early(response)
    other = ApiClient(UNKNOWN_TOKEN).get("/api/v1/sync", REMOTE_ADDR="2001:db8:8::1")
    assert other.status_code == 401 and not _early(other)


def test_a_member_with_a_good_token_works_while_its_key_id_is_hammered(token):
    """The per-key-id limit refuses wrong secrets from fresh addresses; it never refuses the
    genuine token, early or not."""
    for n in range(5):
        forged = ApiClient(wrong_secret(token)).get("/api/v1/sync", REMOTE_ADDR=f"198.51.100.{n}")
        assert forged.status_code == 401
    _past_the_limit()
    for _ in range(2):
        assert (
            ApiClient(wrong_secret(token)).get("/api/v1/sync", REMOTE_ADDR=ATTACKER).status_code
            == 429
        )
    response = ApiClient(token).get("/api/v1/sync", REMOTE_ADDR="192.0.2.50")
    assert response.status_code == 200 and not _early(response)


def test_other_routes_are_not_refused_early_for_such_a_client(token):
    _past_the_limit()
    assert ApiClient(UNKNOWN_TOKEN).get("/api/v1/sync", REMOTE_ADDR=ATTACKER).status_code == 429
    response = ApiClient(UNKNOWN_TOKEN).get("/healthz", REMOTE_ADDR=ATTACKER)
    assert response.status_code == 200 and not _early(response)


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the in-memory SQLite test database cannot be made unreachable",
)
def test_such_a_client_gets_a_503_not_a_500_while_the_database_refuses(transactional_db, token):
    _past_the_limit()
    assert ApiClient(UNKNOWN_TOKEN).get("/api/v1/sync", REMOTE_ADDR=ATTACKER).status_code == 429
    with database_refusing():
        response = ApiClient(wrong_secret(token)).get("/api/v1/sync", REMOTE_ADDR=ATTACKER)
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "temporarily_unavailable"
