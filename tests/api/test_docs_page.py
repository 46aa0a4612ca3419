"""Swagger UI renders from local files under the strict CSP, in a real Chromium."""

import pytest


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_swagger_ui_renders_under_the_csp(live_server, page):
    problems = []
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    page.on("pageerror", lambda e: problems.append(str(e)))
    outside = []
    page.on("request", lambda r: r.url.startswith(live_server.url) or outside.append(r.url))
    response = page.goto(f"{live_server.url}/api/v1/docs/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_selector(".opblock", timeout=15000)
    assert "/api/v1/checkpoint" in page.content()
    assert page.locator(".opblock").count() >= 10
    assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p], problems
    assert [u for u in outside if not u.startswith("data:")] == []
