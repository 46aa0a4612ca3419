import pytest
from django.core.cache import cache
from django.test import RequestFactory

from hashbank.core.errors import RateLimited
from hashbank.submissions import throttle


def _request(address: str):
    return RequestFactory().post("/", REMOTE_ADDR=address)


def test_a_client_past_its_limit_is_refused_with_a_retry_after():
    request = _request("203.0.113.7")
    for _ in range(3):
        throttle.check(request, scope="test", limit=3)
    with pytest.raises(RateLimited) as refused:
        throttle.check(request, scope="test", limit=3)
    assert refused.value.status == 429
    assert 0 < refused.value.retry_after <= throttle.HOUR


def test_clients_are_counted_separately():
    for _ in range(3):
        throttle.check(_request("203.0.113.7"), scope="test", limit=3)
    throttle.check(_request("203.0.113.8"), scope="test", limit=3)


def test_the_cache_never_holds_the_address_in_the_clear(settings):
    key = throttle.client_key(_request("203.0.113.7"))
    assert "203.0.113.7" not in key and len(key) == 32
    # Keyed with SECRET_KEY: without it, hashing every IPv4 address does not find the client.
    settings.SECRET_KEY = "another secret key for this test only, long enough to be realistic"
    assert throttle.client_key(_request("203.0.113.7")) != key
    throttle.check(_request("203.0.113.7"), scope="test", limit=3)
    stored = _stored_keys(settings)
    assert any("throttle:test:" in key for key in stored)
    assert not any("203.0.113" in key for key in stored)


def _stored_keys(settings) -> list[str]:
    """Every key the cache holds, read from the store itself (locmem or Redis)."""
    if settings.REDIS_URL:
        import redis

        return [key.decode() for key in redis.Redis.from_url(settings.REDIS_URL).keys("*")]
    return [str(key) for key in cache._cache]
