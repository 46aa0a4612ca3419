"""The API reference helps: each operation lists, per status, the error codes it can really
answer (requests below get only codes their operation lists), every code named is a member API
code, and every document or page a description points to exists."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.urls import Resolver404, resolve

from member_portal.api.schema import MEMBER_API_CODES
from member_portal.members import services as members
from tests.fixtures.members import ApiClient

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def schema(client):
    return client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()


def documented(schema, path: str, method: str) -> dict[int, set[str]]:
    responses = schema["paths"][path][method.lower()]["responses"]
    return {
        int(status): set(re.findall(r"`([a-z_]+)`", response.get("description", "")))
        for status, response in responses.items()
        if status[0] in "45"
    }


def test_every_member_operation_lists_its_codes_by_status(schema):
    for path, operations in schema["paths"].items():
        if not path.startswith("/api/v1/") or path.startswith("/api/v1/schema"):
            continue
        for method in operations:
            if method not in ("get", "post"):
                continue
            codes = documented(schema, path, method)
            assert {401, 403, 429} <= set(codes), (path, method)
            for status, named in codes.items():
                assert named, (path, method, status)
                assert named <= set(MEMBER_API_CODES), (path, method, named)
    assert documented(schema, "/api/v1/snapshot", "get")[404] == {"no_snapshot"}
    assert "description_too_long" in documented(schema, "/api/v1/disputes", "post")[400]


def _requests(world, published_token):
    """(method, path, schema path, body, token): requests that fail in different ways."""
    feed_only = members.issue_credential(member=world.member, scopes=["feed:read"])[1]
    md5 = world.case_signal("md5").signal.value
    return [
        ("get", "/api/v1/snapshot", "/api/v1/snapshot", None, published_token),
        ("get", "/api/v1/snapshots/77", "/api/v1/snapshots/{size}", None, published_token),
        ("get", "/api/v1/entries", "/api/v1/entries", None, published_token),
        ("get", "/api/v1/entries?from=x", "/api/v1/entries", None, published_token),
        ("get", "/api/v1/entries?from=0&size=999", "/api/v1/entries", None, published_token),
        (
            "get",
            "/api/v1/proofs/inclusion?index=9&size=1",
            "/api/v1/proofs/inclusion",
            None,
            published_token,
        ),
        (
            "get",
            "/api/v1/proofs/consistency?old=3&new=2",
            "/api/v1/proofs/consistency",
            None,
            published_token,
        ),
        ("get", "/api/v1/checkpoint", "/api/v1/checkpoint", None, None),
        ("get", "/api/v1/checkpoint", "/api/v1/checkpoint", None, "hbk_nonsense"),
        ("get", "/api/v1/reports", "/api/v1/reports", None, feed_only),
        ("get", "/api/v1/reports?before=x", "/api/v1/reports", None, published_token),
        ("get", "/api/v1/reports/99", "/api/v1/reports/{report_id}", None, published_token),
        ("get", "/api/v1/disputes/99", "/api/v1/disputes/{dispute_id}", None, published_token),
        (
            "post",
            "/api/v1/disputes",
            "/api/v1/disputes",
            {
                "signal_type": "md5",
                "value": md5,
                "reason": "other",
                "content_description": "x" * 2001,
            },
            published_token,
        ),
        (
            "post",
            "/api/v1/disputes",
            "/api/v1/disputes",
            {"signal_type": "md5", "value": md5, "reason": "nope"},
            published_token,
        ),
        (
            "post",
            "/api/v1/disputes",
            "/api/v1/disputes",
            {"signal_type": "md5", "value": "0" * 32, "reason": "other"},
            published_token,
        ),
        (
            "post",
            "/api/v1/reports",
            "/api/v1/reports",
            {"signal_type": "md5", "value": md5, "action": "x"},
            published_token,
        ),
        ("post", "/api/v1/sync/ack", "/api/v1/sync/ack", {"size": 999}, published_token),
        ("post", "/api/v1/sync/ack", "/api/v1/sync/ack", {"size": "x"}, published_token),
        ("post", "/api/v1/sync/ack", "/api/v1/sync/ack", b"{", published_token),
    ]


def test_real_errors_are_among_the_codes_their_operation_lists(world, schema):
    seen = set()
    for method, url, path, body, token in _requests(world, world.token):
        api = ApiClient(token)
        if method == "get":
            response = api.get(url)
        else:
            data = body if isinstance(body, bytes) else json.dumps(body)
            response = api.post(url, data, content_type="application/json")
        assert response.status_code >= 400, (url, response.status_code)
        code = response.json()["error"]["code"]
        listed = documented(schema, path, method).get(response.status_code, set())
        assert code in listed, (method, url, response.status_code, code, listed)
        seen.add(code)
    # The requests above reach a wide set of codes, not one error over and over.
    assert len(seen) >= 14, sorted(seen)


def test_every_page_and_document_a_description_names_exists(schema):
    text = json.dumps(schema)
    documents = set(re.findall(r"\bdocs/[a-z0-9_./-]+\.md\b", text))
    assert documents, "the descriptions point to the format documents"
    for document in documents:
        assert (ROOT / document).is_file(), document
    for link in re.findall(r"\]\((/[^)\s]*)\)", text):
        try:
            resolve(link.split("#")[0].split("?")[0])
        except Resolver404:
            pytest.fail(f"the link {link} in the API reference does not resolve")
