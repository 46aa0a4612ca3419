"""A Redis outage does not turn member requests into 500s (issue 17)."""

from __future__ import annotations


def test_the_member_api_answers_while_redis_is_down(published, api, settings):
    """The per-credential rate limit counts in the process's memory meanwhile (core.ratelimit)."""
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = api.get("/api/v1/checkpoint")
    assert response.status_code == 200
