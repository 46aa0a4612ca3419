"""The address a request came from, behind the reverse proxies the operator trusts.

Behind nginx every request reaches gunicorn from the proxy's address, so per-client throttles and
credential allow-lists need the client's own address: the proxy appends it to X-Forwarded-For.
Only proxies named in HASHBANK_TRUSTED_PROXIES are believed; the header is read from the right,
skipping trusted proxies, so a client cannot choose its address by sending the header itself.
The address is used in memory only: throttles keep a keyed hash of it, logs never see it.
"""

from __future__ import annotations

import functools
import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _is_trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in network for network in _networks(tuple(settings.HASHBANK_TRUSTED_PROXIES)))


@functools.cache
def _networks(proxies: tuple[str, ...]) -> tuple:
    """The setting parsed once (keyed by its value, so a changed setting is parsed anew)."""
    return tuple(ipaddress.ip_network(item, strict=False) for item in proxies)


def client_address(request: HttpRequest) -> str:
    address = request.META.get("REMOTE_ADDR", "")
    if not settings.HASHBANK_TRUSTED_PROXIES or not _is_trusted(address):
        return address
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for hop in reversed([part.strip() for part in forwarded.split(",") if part.strip()]):
        if not _is_trusted(hop):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return address  # a malformed header: count the request against the proxy
    return address
