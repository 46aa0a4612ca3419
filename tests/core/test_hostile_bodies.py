"""Hostile JSON bodies at the victim API and the member API (issue 17): a repeated field, UTF-16,
deep nesting, another charset. Each is a 400 with a code, never a 500 and never read leniently."""

from __future__ import annotations

import json

import pytest

from tests.fixtures.members import ApiClient
from tests.fixtures.values import ATTESTED, md5
from tests.submissions.conftest import browser_client, post_json  # noqa: F401


def test_the_victim_api_refuses_a_repeated_attestation_with_a_code(browser_client):  # noqa: F811
    from hashbank.cases.models import Case

    hashes = json.dumps([md5()])
    body = (
        f'{{"hashes": {hashes}, "attestations": '
        '{"adult": false, "adult": true, "depicted": true, "consent": true}}'
    )
    response = post_json(browser_client, "/api/v1/submissions", body)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "duplicate_field"
    assert not Case.objects.exists()


def test_the_victim_api_refuses_a_utf16_submission(browser_client):  # noqa: F811
    body = json.dumps({"hashes": [md5()], "attestations": ATTESTED}).encode("utf-16")
    response = post_json(browser_client, "/api/v1/submissions", body)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "malformed_json"


@pytest.mark.parametrize("path", ["/api/v1/submissions", "/api/v1/cases/status"])
def test_deep_nesting_on_the_victim_api_is_a_400_not_a_500(browser_client, path):  # noqa: F811
    response = post_json(browser_client, path, b"[" * 100_000)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "malformed_json"


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/reports", b'{"signal_type": "pdq", ' + b'"x": ' + b"[" * 100_000),
        ("/api/v1/sync/ack", b"[" * 100_000 + b"]" * 100_000),
        ("/api/v1/disputes", b"{" + b'"a":{' * 50_000),
    ],
    ids=["reports", "sync-ack", "disputes"],
)
def test_deep_nesting_on_the_member_api_is_a_400_not_a_500(token, path, body):
    response = ApiClient(token).post(path, body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "malformed_json"


def test_the_member_api_refuses_a_repeated_field_with_a_code(token):
    response = ApiClient(token).post(
        "/api/v1/sync/ack", b'{"size": 1, "size": 2}', content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "duplicate_field"


def test_the_member_api_refuses_a_body_declared_in_another_charset(token):
    response = ApiClient(token).generic(
        "POST",
        "/api/v1/sync/ack",
        json.dumps({"size": 1}).encode("utf-16"),
        content_type="application/json; charset=utf-16",
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "malformed_json"
