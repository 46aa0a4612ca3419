"""A webhook connects to the address that was checked, once (issue 17: DNS rebinding)."""

from __future__ import annotations

import socket
from types import SimpleNamespace

import pytest

from member_portal.webhooks import services
from member_portal.webhooks.models import WebhookDelivery

CHECKPOINT = SimpleNamespace(size=7, note="localhost/hashbank\n7\nAAAA\n\n— key sig\n")
# A public address (is_global) that nothing in this test listens on.
PUBLIC = "8.8.8.8"


@pytest.fixture
def rebinding_dns(monkeypatch):
    """`rebind.example` answers a public address the first time and 127.0.0.1 afterwards, as an
    attacker's name server with a zero TTL does. Other names resolve as usual."""
    real = socket.getaddrinfo
    lookups: list[str] = []

    def getaddrinfo(host, port, *args, **kwargs):
        if host != "rebind.example":
            return real(host, port, *args, **kwargs)
        lookups.append(host)
        address = PUBLIC if len(lookups) == 1 else "127.0.0.1"
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port or 0))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return lookups


@pytest.fixture
def production(settings, monkeypatch):
    """Call it once the endpoint is added (production takes https:// addresses only, and the
    receiver here speaks plain HTTP)."""

    def switch() -> None:
        settings.PRODUCTION = True
        monkeypatch.setattr(services, "TIMEOUT_SECONDS", 1)  # the public address never answers

    return switch


def test_a_name_that_rebinds_to_loopback_after_the_check_never_reaches_loopback(
    member, receiver, rebinding_dns, production
):
    port = receiver.server.server_port
    services.add_endpoint(member=member, url=f"http://rebind.example:{port}/hook")
    production()
    [delivery_id] = services.notify_new_checkpoint(CHECKPOINT)
    assert services.deliver(delivery_id=delivery_id) is False
    assert receiver.requests == []  # the loopback receiver was never reached
    assert rebinding_dns == ["rebind.example"]  # resolved once, by the check
    assert WebhookDelivery.objects.get(pk=delivery_id).status == "pending"


def test_a_name_that_resolves_to_loopback_is_refused_in_production(
    member, receiver, production, monkeypatch
):
    def loopback(host, port, *args, **kwargs):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port or 0))]

    monkeypatch.setattr(socket, "getaddrinfo", loopback)
    port = receiver.server.server_port
    services.add_endpoint(member=member, url=f"http://hooks.example:{port}/hook")
    production()
    [delivery_id] = services.notify_new_checkpoint(CHECKPOINT)
    assert services.deliver(delivery_id=delivery_id) is False
    assert receiver.requests == []


def test_the_delivery_carries_the_hosts_name_though_it_connects_to_its_address(
    member, receiver, monkeypatch
):
    real = socket.getaddrinfo

    def named(host, port, *args, **kwargs):
        return real("127.0.0.1" if host == "hooks.example" else host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", named)
    port = receiver.server.server_port
    services.add_endpoint(member=member, url=f"http://hooks.example:{port}/hook?x=1")
    [delivery_id] = services.notify_new_checkpoint(CHECKPOINT)
    assert services.deliver(delivery_id=delivery_id) is True
    headers, _body = receiver.requests[0]
    assert headers["Host"] == f"hooks.example:{port}"
