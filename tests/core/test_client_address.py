"""The client's address behind trusted reverse proxies (throttles and credential allow-lists)."""

import pytest
from django.test import RequestFactory

from hashbank.core.addresses import client_address, throttle_networks


@pytest.fixture
def request_from():
    def make(remote: str, forwarded: str | None = None):
        extra = {"REMOTE_ADDR": remote}
        if forwarded is not None:
            extra["HTTP_X_FORWARDED_FOR"] = forwarded
        return RequestFactory().get("/", **extra)

    return make


def test_without_trusted_proxies_the_peer_address_is_the_client(settings, request_from):
    settings.HASHBANK_TRUSTED_PROXIES = []
    assert client_address(request_from("203.0.113.7", "198.51.100.1")) == "203.0.113.7"


def test_behind_a_trusted_proxy_the_forwarded_address_is_the_client(settings, request_from):
    settings.HASHBANK_TRUSTED_PROXIES = ["127.0.0.1"]
    assert client_address(request_from("127.0.0.1", "198.51.100.1")) == "198.51.100.1"


def test_an_address_the_client_forged_in_the_header_is_not_believed(settings, request_from):
    settings.HASHBANK_TRUSTED_PROXIES = ["127.0.0.1", "10.0.0.0/8"]
    # The client sent "1.2.3.4" itself; the proxies appended the real address and their own.
    request = request_from("127.0.0.1", "1.2.3.4, 198.51.100.1, 10.1.2.3")
    assert client_address(request) == "198.51.100.1"


def test_a_peer_that_is_not_a_trusted_proxy_cannot_forward_an_address(settings, request_from):
    settings.HASHBANK_TRUSTED_PROXIES = ["127.0.0.1"]
    assert client_address(request_from("203.0.113.7", "198.51.100.1")) == "203.0.113.7"


def test_a_malformed_header_counts_the_request_against_the_proxy(settings, request_from):
    settings.HASHBANK_TRUSTED_PROXIES = ["127.0.0.1"]
    assert client_address(request_from("127.0.0.1", "not-an-address")) == "127.0.0.1"


def test_clients_behind_one_proxy_are_throttled_separately(settings, request_from):
    from hashbank.submissions import throttle

    settings.HASHBANK_TRUSTED_PROXIES = ["127.0.0.1"]
    first = throttle.client_key(request_from("127.0.0.1", "198.51.100.1"))
    second = throttle.client_key(request_from("127.0.0.1", "198.51.100.2"))
    assert first != second


def test_throttles_count_ipv6_per_64_and_48_and_ipv4_per_address():
    assert throttle_networks("2001:db8:1:2:3:4:5:6") == ("2001:db8:1:2::/64", "2001:db8:1::/48")
    assert throttle_networks("203.0.113.7") == ("203.0.113.7", None)
    assert throttle_networks("::ffff:203.0.113.7") == ("203.0.113.7", None)
    assert throttle_networks("not an address") == ("not an address", None)


def test_a_proxy_seen_through_a_dual_stack_socket_is_still_trusted(settings, rf):
    settings.HASHBANK_TRUSTED_PROXIES = ["127.0.0.1"]
    request = rf.get("/", REMOTE_ADDR="::ffff:127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert client_address(request) == "198.51.100.7"
