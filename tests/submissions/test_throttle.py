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


def test_a_hundred_addresses_inside_one_ipv6_64_share_one_throttle():
    for n in range(100):
        throttle.check(_request(f"2001:db8:aa:bb::{n + 1:x}"), scope="test", limit=100)
    with pytest.raises(RateLimited):
        throttle.check(_request("2001:db8:aa:bb:1234:5678:9abc:def0"), scope="test", limit=100)
    throttle.check(_request("2001:db8:aa:bc::1"), scope="test", limit=100)  # the next /64


def test_two_64s_in_one_48_share_the_48_tier(settings):
    settings.HASHBANK_THROTTLE_48_FACTOR = 2
    for subnet in ("2001:db8:aa:1", "2001:db8:aa:2"):
        for n in range(3):
            throttle.check(_request(f"{subnet}::{n + 1}"), scope="test", limit=3)
    with pytest.raises(RateLimited) as refused:
        throttle.check(_request("2001:db8:aa:3::1"), scope="test", limit=3)
    assert refused.value.status == 429 and refused.value.retry_after > 0
    throttle.check(_request("2001:db8:ab:3::1"), scope="test", limit=3)  # another /48


def test_a_64_refused_on_its_own_limit_does_not_use_up_its_48(settings):
    settings.HASHBANK_THROTTLE_48_FACTOR = 2
    for _ in range(3):
        throttle.check(_request("2001:db8:aa:1::1"), scope="test", limit=3)
    for _ in range(20):
        with pytest.raises(RateLimited):
            throttle.check(_request("2001:db8:aa:1::1"), scope="test", limit=3)
    for n in range(3):
        throttle.check(_request(f"2001:db8:aa:2::{n + 1}"), scope="test", limit=3)


def test_the_48_tier_is_off_at_factor_zero(settings):
    settings.HASHBANK_THROTTLE_48_FACTOR = 0
    for subnet in range(10):
        for _ in range(3):
            throttle.check(_request(f"2001:db8:aa:{subnet}::1"), scope="test", limit=3)


def test_an_ipv4_mapped_address_is_counted_as_its_ipv4_address():
    assert throttle.client_key(_request("::ffff:203.0.113.7")) == throttle.client_key(
        _request("203.0.113.7")
    )
    for _ in range(3):
        throttle.check(_request("::ffff:203.0.113.7"), scope="test", limit=3)
    with pytest.raises(RateLimited):
        throttle.check(_request("203.0.113.7"), scope="test", limit=3)


def test_ipv4_addresses_are_still_counted_one_by_one():
    for _ in range(3):
        throttle.check(_request("203.0.113.7"), scope="test", limit=3)
    throttle.check(_request("203.0.113.6"), scope="test", limit=3)


def test_submissions_and_pin_checks_count_ipv6_per_64(settings):
    settings.HASHBANK_SUBMISSIONS_PER_HOUR = 2
    settings.HASHBANK_PIN_CHECKS_PER_HOUR = 2
    for check in (throttle.check_submission, throttle.check_pin):
        check(_request("2001:db8:aa:1::1"))
        check(_request("2001:db8:aa:1::2"))
        with pytest.raises(RateLimited):
            check(_request("2001:db8:aa:1::3"))


def test_the_cache_never_holds_an_ipv6_address_or_network_in_the_clear(settings):
    throttle.check(_request("2001:db8:aa:1::1"), scope="test", limit=3)
    stored = _stored_keys(settings)
    assert any("throttle:test/48:" in key for key in stored)
    assert not any("2001" in key or "db8" in key for key in stored)
