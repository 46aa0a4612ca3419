"""The address a request came from, behind the reverse proxies the operator trusts.

Behind nginx every request reaches gunicorn from the proxy's address, so per-client throttles and
credential allow-lists need the client's own address: the proxy appends it to X-Forwarded-For.
Only proxies named in HASHBANK_TRUSTED_PROXIES are believed; the header is read from the right,
skipping trusted proxies, so a client cannot choose its address by sending the header itself.
The address is used in memory only: throttles keep a keyed hash of it, logs never see it.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import ipaddress
from collections.abc import Mapping

from django.conf import settings
from django.http import HttpRequest


def _is_trusted(address: str, proxies: tuple[str, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # a dual-stack socket reports an IPv4 proxy as ::ffff:a.b.c.d
    return any(ip in network for network in _networks(proxies))


@functools.cache
def _networks(proxies: tuple[str, ...]) -> tuple:
    """The setting parsed once (keyed by its value, so a changed setting is parsed anew)."""
    return tuple(ipaddress.ip_network(item, strict=False) for item in proxies)


def client_address(request: HttpRequest) -> str:
    return client_address_of(request.META)


def client_address_of(meta: Mapping[str, str]) -> str:
    """`client_address` from a request's META or, before Django builds a request, the WSGI
    environ it would be built from (member_portal/api/early_refusal.py's FrontRefusal)."""
    address = meta.get("REMOTE_ADDR", "")
    if not settings.HASHBANK_TRUSTED_PROXIES:
        return address
    return _behind_proxies(
        address, meta.get("HTTP_X_FORWARDED_FOR", ""), tuple(settings.HASHBANK_TRUSTED_PROXIES)
    )


# Parsing the addresses cost about a tenth of a refused request's CPU in a gunicorn worker (issue
# 17): the few clients of a flood, and every proxy's address, are parsed once. Keyed by the
# setting's value too. Bounded: a header of up to 8 KiB per entry.
@functools.lru_cache(maxsize=1024)
def _behind_proxies(address: str, forwarded: str, proxies: tuple[str, ...]) -> str:
    if not _is_trusted(address, proxies):
        return address
    for hop in reversed([part.strip() for part in forwarded.split(",") if part.strip()]):
        if not _is_trusted(hop, proxies):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return address  # a malformed header: count the request against the proxy
    return address


def throttle_networks(address: str) -> tuple[str, str | None]:
    """The network a throttle counts `address` in, and the wider one its second tier counts.

    An IPv6 subscriber is normally given a whole /64 (RFC 6177 and common practice), and a site
    often a /48, so a client can pick a new address inside its /64 for every request: keyed on
    the full address, no throttle would ever see the same client twice. IPv6 is therefore counted
    per /64, with a second, higher limit per /48 (many /64s of one site or subscriber). IPv4 is
    counted per address, as before; an IPv4-mapped IPv6 address (::ffff:a.b.c.d, as a dual-stack
    socket reports IPv4 clients) is its IPv4 address. Anything unparsable is counted as itself.
    """
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return address, None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if isinstance(ip, ipaddress.IPv4Address):
        return str(ip), None
    return (
        str(ipaddress.ip_network(f"{ip}/64", strict=False)),
        str(ipaddress.ip_network(f"{ip}/48", strict=False)),
    )


def address_key(value: str) -> str:
    """A keyed hash of an address or network, to count it by without storing it: the HMAC-SHA256
    under SECRET_KEY (truncated), which cannot be reversed by hashing the whole IPv4 space (or
    every /64 in use) without the secret."""
    digest = hmac.new(settings.SECRET_KEY.encode(), value.encode(), hashlib.sha256)
    return digest.hexdigest()[:32]


def client_keys(address: str) -> tuple[str, str | None]:
    """(the client's key, its /48's key or None): what throttles and failed-attempt limits count,
    never the address itself."""
    return _client_keys(address, settings.SECRET_KEY)


@functools.lru_cache(maxsize=4096)  # as _behind_proxies; keyed by the secret too
def _client_keys(address: str, secret: str) -> tuple[str, str | None]:
    client, wide = throttle_networks(address)
    return address_key(client), (address_key(wide) if wide is not None else None)
