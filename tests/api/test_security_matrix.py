"""Every member endpoint checks the credential, its scope, and that the member is active."""

import pytest

from member_portal.members import services
from tests.fixtures.members import ApiClient

FEED = "feed:read"
REPORTS = "reports:write"
# (method, path, scope). Paths need not find anything: the checks come first.
ENDPOINTS = [
    ("get", "/api/v1/checkpoint", FEED),
    ("get", "/api/v1/entries?from=0&size=1", FEED),
    ("get", "/api/v1/proofs/inclusion?index=0&size=1", FEED),
    ("get", "/api/v1/proofs/consistency?old=1&new=1", FEED),
    ("get", "/api/v1/roots", FEED),
    ("get", "/api/v1/keys", FEED),
    ("get", "/api/v1/snapshot", FEED),
    ("get", "/api/v1/snapshots/1", FEED),
    ("get", "/api/v1/sync", FEED),
    ("post", "/api/v1/sync/ack", FEED),
    ("get", "/api/v1/reports", REPORTS),
    ("post", "/api/v1/reports", REPORTS),
    ("get", "/api/v1/reports/1", REPORTS),
    ("get", "/api/v1/disputes", REPORTS),
    ("post", "/api/v1/disputes", REPORTS),
    ("get", "/api/v1/disputes/1", REPORTS),
    ("post", "/api/v1/benign", REPORTS),
]
IDS = [f"{m} {p}" for m, p, _ in ENDPOINTS]


def call(client, method, path):
    if method == "post":
        return client.post(path, data={}, content_type="application/json")
    return client.get(path)


def assert_error(response, status, code):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["error"]["code"] == code


@pytest.mark.parametrize(("method", "path", "scope"), ENDPOINTS, ids=IDS)
def test_no_credential_is_refused(db, method, path, scope):
    assert_error(call(ApiClient(), method, path), 401, "not_authenticated")


@pytest.mark.parametrize(("method", "path", "scope"), ENDPOINTS, ids=IDS)
def test_unknown_token_is_refused(db, method, path, scope):
    client = ApiClient("hbk_0123456789abcdef_" + "A" * 43)
    assert_error(call(client, method, path), 401, "invalid_credential")


@pytest.mark.parametrize(("method", "path", "scope"), ENDPOINTS, ids=IDS)
def test_credential_without_the_scope_is_refused(member, method, path, scope):
    other_scope = REPORTS if scope == FEED else FEED
    _, token = services.issue_credential(member=member, scopes=[other_scope])
    assert_error(call(ApiClient(token), method, path), 403, "insufficient_scope")


@pytest.mark.parametrize(("method", "path", "scope"), ENDPOINTS, ids=IDS)
def test_suspended_member_is_refused(member, method, path, scope):
    _, token = services.issue_credential(member=member)
    services.suspend_member(member=member)
    assert_error(call(ApiClient(token), method, path), 403, "member_suspended")


@pytest.mark.parametrize(("method", "path", "scope"), ENDPOINTS, ids=IDS)
def test_revoked_credential_is_refused(member, method, path, scope):
    credential, token = services.issue_credential(member=member)
    services.revoke_credential(credential=credential)
    assert_error(call(ApiClient(token), method, path), 403, "credential_revoked")


def test_bearer_scheme_is_required(db):
    client = ApiClient()
    response = client.get("/api/v1/checkpoint", HTTP_AUTHORIZATION="Token abc")
    assert_error(response, 401, "invalid_credential")


def test_rate_limit_answers_429_with_retry_after(settings, api):
    settings.HASHBANK_API_RATE_LIMIT = 3
    for _ in range(3):
        assert api.get("/api/v1/sync").status_code == 200
    response = api.get("/api/v1/sync")
    assert_error(response, 429, "rate_limited")
    assert 1 <= int(response["Retry-After"]) <= 61


def test_rate_limit_is_counted_per_credential(settings, api, other_api, monkeypatch):
    # Inside one fixed one-minute window, whenever the test happens to run.
    from types import SimpleNamespace

    from django.core.cache import cache

    cache.clear()
    monkeypatch.setattr(
        "hashbank.core.ratelimit.time", SimpleNamespace(time=lambda: 1_800_000_010.0)
    )
    settings.HASHBANK_API_RATE_LIMIT = 1
    assert api.get("/api/v1/sync").status_code == 200
    assert other_api.get("/api/v1/sync").status_code == 200
    assert api.get("/api/v1/sync").status_code == 429
