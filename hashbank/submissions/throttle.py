"""Per-client throttles that never store an address in the clear.

A client is the HMAC-SHA256 of its address under SECRET_KEY (truncated): the cache can count
requests per client, but the key reveals no address to whoever reads Redis, and cannot be
reversed by hashing the whole IPv4 space without the secret.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.http import HttpRequest

from hashbank.core import ratelimit
from hashbank.core.addresses import client_address

HOUR = 3600


def client_key(request: HttpRequest) -> str:
    address = client_address(request)
    digest = hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256)
    return digest.hexdigest()[:32]


def check(request: HttpRequest, *, scope: str, limit: int, window: int = HOUR) -> None:
    """Count one request for this client in this scope; raise RateLimited past `limit`."""
    ratelimit.enforce(
        scope=scope,
        subject=client_key(request),
        limit=limit,
        window=window,
        message="Too many requests from this device; please wait and try again.",
    )


def check_submission(request: HttpRequest) -> None:
    check(request, scope="submit", limit=settings.HASHBANK_SUBMISSIONS_PER_HOUR)


def check_pin(request: HttpRequest) -> None:
    check(request, scope="pin", limit=settings.HASHBANK_PIN_CHECKS_PER_HOUR)
