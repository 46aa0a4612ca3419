"""Per-client throttles that never store an address in the clear.

A client is the HMAC-SHA256 of its address under SECRET_KEY (truncated): the cache can count
requests per client, but the key reveals no address to whoever reads Redis, and cannot be
reversed by hashing the whole IPv4 space without the secret.
"""

from __future__ import annotations

import hashlib
import hmac
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from hashbank.core.addresses import client_address
from hashbank.core.errors import RateLimited
from hashbank.core.redis import shared_client

HOUR = 3600


def client_key(request: HttpRequest) -> str:
    address = client_address(request)
    digest = hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256)
    return digest.hexdigest()[:32]


def check(request: HttpRequest, *, scope: str, limit: int, window: int = HOUR) -> None:
    """Count one request for this client in this scope; raise RateLimited past `limit`."""
    now = int(time.time())
    start = now - now % window
    count = _count(f"hashbank:throttle:{scope}:{client_key(request)}:{start}", window + 60)
    if count > limit:
        raise RateLimited(
            "Too many requests from this device; please wait and try again.",
            retry_after=start + window - now,
        )


def _count(key: str, ttl: int) -> int:
    client = shared_client()
    if client is not None:
        # One round trip: create the counter with its expiry if new, then increment it.
        pipe = client.pipeline(transaction=False)
        pipe.set(key, 0, ex=ttl, nx=True)
        pipe.incr(key)
        return pipe.execute()[1]
    # The embedded mode's local-memory cache (one process): add() then the atomic incr().
    cache.add(key, 0, timeout=ttl)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=ttl)
        return 1


def check_submission(request: HttpRequest) -> None:
    check(request, scope="submit", limit=settings.HASHBANK_SUBMISSIONS_PER_HOUR)


def check_pin(request: HttpRequest) -> None:
    check(request, scope="pin", limit=settings.HASHBANK_PIN_CHECKS_PER_HOUR)
