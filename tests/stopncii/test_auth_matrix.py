"""The facade checks the credential, its scope and the member's status like every endpoint."""

import pytest
from django.test import Client

from member_portal.members import services

ENDPOINTS = [
    ("get", "/api/stopncii/v1/FetchHashes", "feed:read"),
    ("post", "/api/stopncii/v1/SubmitFeedback", "reports:write"),
]
IDS = [path.rsplit("/", 1)[1] for _, path, _ in ENDPOINTS]


def call(method, path, token=None, subscription=None):
    headers = {}
    if token:
        headers["HTTP_X_FUNCTIONS_KEY"] = token
        headers["HTTP_OCP_APIM_SUBSCRIPTION_KEY"] = subscription or "acme"
    client = Client()
    if method == "post":
        return client.post(
            path, {"count": 0, "hashFeedbacks": []}, content_type="application/json", **headers
        )
    return client.get(path, **headers)


def code(response):
    return response.status_code, response.json()["error"]["code"]


@pytest.mark.parametrize(("method", "path", "scope"), ENDPOINTS, ids=IDS)
def test_no_function_key_is_refused(db, method, path, scope):
    assert code(call(method, path)) == (401, "not_authenticated")


@pytest.mark.parametrize(("method", "path", "scope"), ENDPOINTS, ids=IDS)
def test_function_key_without_the_scope_is_refused(member, method, path, scope):
    other = "reports:write" if scope == "feed:read" else "feed:read"
    _, token = services.issue_credential(member=member, scopes=[other])
    assert code(call(method, path, token)) == (403, "insufficient_scope")


@pytest.mark.parametrize(("method", "path", "scope"), ENDPOINTS, ids=IDS)
def test_suspended_member_is_refused(member, method, path, scope):
    _, token = services.issue_credential(member=member)
    services.suspend_member(member=member)
    assert code(call(method, path, token)) == (403, "member_suspended")


@pytest.mark.parametrize(("method", "path", "scope"), ENDPOINTS, ids=IDS)
def test_revoked_credential_is_refused(member, method, path, scope):
    credential, token = services.issue_credential(member=member)
    services.revoke_credential(credential=credential)
    assert code(call(method, path, token)) == (403, "credential_revoked")


@pytest.mark.parametrize(("method", "path", "scope"), ENDPOINTS, ids=IDS)
def test_another_members_slug_as_subscription_key_is_refused(
    member, other_member, method, path, scope
):
    _, token = services.issue_credential(member=member)
    response = call(method, path, token, subscription=other_member.slug)
    assert code(response) == (401, "subscription_key_mismatch")


def test_token_as_subscription_key_is_accepted(member):
    _, token = services.issue_credential(member=member)
    response = call("get", "/api/stopncii/v1/FetchHashes", token, subscription=token)
    assert response.status_code == 200
    assert response.json()["hasMoreRecords"] is False


def test_the_facade_limits_failed_function_keys_like_the_member_api(member, settings):
    settings.HASHBANK_AUTH_FAILURES_PER_CLIENT = 3
    _, token = services.issue_credential(member=member)
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    path = "/api/stopncii/v1/FetchHashes"
    headers = {"HTTP_X_FUNCTIONS_KEY": forged, "HTTP_OCP_APIM_SUBSCRIPTION_KEY": "acme"}
    for _ in range(3):
        assert Client().get(path, REMOTE_ADDR="203.0.113.7", **headers).status_code == 401
    refused = Client().get(path, REMOTE_ADDR="203.0.113.7", **headers)
    assert code(refused) == (429, "too_many_failed_attempts")
    assert int(refused["Retry-After"]) > 0
    good = {"HTTP_X_FUNCTIONS_KEY": token, "HTTP_OCP_APIM_SUBSCRIPTION_KEY": "acme"}
    assert Client().get(path, REMOTE_ADDR="203.0.113.8", **good).status_code == 200


def test_a_subscription_key_that_is_not_ascii_is_refused_not_a_server_error(member):
    _, token = services.issue_credential(member=member)
    response = call("get", "/api/stopncii/v1/FetchHashes", token, subscription="acm\u00e9")
    assert code(response) == (401, "subscription_key_mismatch")
