"""Sessions, sign-in and messages are a browser's: a member API request (a Bearer credential)
passes those middlewares by and keeps everything else (hashbank/core/browser_middleware.py);
pages, the victims' JSON API under the same /api/v1/ prefix, the portal and the console keep
them."""

from __future__ import annotations

import pytest
from django.test import Client

SECURITY_HEADERS = {
    "Content-Security-Policy",
    "Permissions-Policy",
    "Cross-Origin-Resource-Policy",
    "X-Frame-Options",
    "X-Content-Type-Options",
    "Referrer-Policy",
}


def _has_browser_state(request) -> bool:
    return any(hasattr(request, name) for name in ("session", "_messages"))


def test_a_member_api_answer_has_no_session_and_keeps_the_security_headers(api):
    response = api.get("/api/v1/sync")

    assert response.status_code == 200, response.content
    assert SECURITY_HEADERS <= set(response.headers)
    assert response["X-Frame-Options"] == "DENY"
    assert response["Content-Length"] == str(len(response.content))
    assert response["Content-Language"] == "en"
    assert not response.cookies
    assert not _has_browser_state(response.wsgi_request)
    assert response.wsgi_request.user.member is not None  # DRF's, from the Bearer credential


@pytest.mark.parametrize("path", ["/api/v1/sync", "/api/v1/receipts"])
def test_a_member_api_refusal_keeps_the_security_headers_and_its_code(db, path):
    response = Client().get(path)

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
    assert SECURITY_HEADERS <= set(response.headers)
    assert not _has_browser_state(response.wsgi_request)


def test_a_member_api_body_too_large_is_still_refused_unread(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = api.post("/api/v1/receipts", "x" * 2000, content_type="application/json")

    assert response.status_code == 413
    assert response.json()["error"]["code"] == "body_too_large"
    # Refused by NoUploadMiddleware, before XFrameOptionsMiddleware (CSP's frame-ancestors holds).
    assert SECURITY_HEADERS - {"X-Frame-Options"} <= set(response.headers)


def test_a_page_still_gets_its_session_and_csrf_cookie(db):
    response = Client().get("/submit/")

    assert response.status_code == 200
    assert "csrftoken" in response.cookies
    assert _has_browser_state(response.wsgi_request)


def test_the_victims_json_api_under_the_same_prefix_still_checks_csrf(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/api/v1/cases/status", "{}", content_type="application/json")

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "csrf_failed"
    assert _has_browser_state(response.wsgi_request)


def test_a_staff_page_still_signs_in_with_its_session(staff_client):
    client, user = staff_client("caseworker")
    response = client.get("/staff/")

    assert response.status_code == 200
    assert response.wsgi_request.user == user
