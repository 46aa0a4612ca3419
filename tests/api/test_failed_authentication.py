"""The member API limits failed authentications per client and per key id (429 with Retry-After
and `too_many_failed_attempts`), and a correct token from another client keeps working."""

import pytest

from tests.fixtures.members import UNKNOWN_TOKEN, ApiClient, wrong_secret


@pytest.fixture(autouse=True)
def limits(settings):
    settings.HASHBANK_AUTH_FAILURES_PER_CLIENT = 3
    settings.HASHBANK_AUTH_FAILURES_PER_KEY = 5


def test_a_client_sending_bad_tokens_is_refused_after_the_limit(token):
    attacker = ApiClient(UNKNOWN_TOKEN)
    for _ in range(3):
        assert attacker.get("/api/v1/sync", REMOTE_ADDR="203.0.113.7").status_code == 401
    refused = attacker.get("/api/v1/sync", REMOTE_ADDR="203.0.113.7")
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "too_many_failed_attempts"
    assert int(refused["Retry-After"]) > 0
    assert ApiClient(token).get("/api/v1/sync", REMOTE_ADDR="203.0.113.8").status_code == 200


def test_wrong_secrets_for_one_key_id_are_refused_after_the_limit(token):
    forger = ApiClient(wrong_secret(token))
    for n in range(5):
        assert forger.get("/api/v1/sync", REMOTE_ADDR=f"198.51.100.{n}").status_code == 401
    refused = forger.get("/api/v1/sync", REMOTE_ADDR="198.51.100.9")
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "too_many_failed_attempts"
    assert int(refused["Retry-After"]) > 0
    assert ApiClient(token).get("/api/v1/sync", REMOTE_ADDR="198.51.100.10").status_code == 200


def test_bad_tokens_rotated_inside_one_ipv6_64_share_the_limit(token):
    attacker = ApiClient(wrong_secret(token))
    for n in range(3):
        assert attacker.get("/api/v1/sync", REMOTE_ADDR=f"2001:db8:7::{n + 1}").status_code == 401
    assert attacker.get("/api/v1/sync", REMOTE_ADDR="2001:db8:7::99").status_code == 429
