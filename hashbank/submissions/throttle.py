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

from hashbank.core.errors import RateLimited

HOUR = 3600


def client_key(request: HttpRequest) -> str:
    address = request.META.get("REMOTE_ADDR", "")
    digest = hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256)
    return digest.hexdigest()[:32]


def check(request: HttpRequest, *, scope: str, limit: int, window: int = HOUR) -> None:
    """Count one request for this client in this scope; raise RateLimited past `limit`."""
    now = int(time.time())
    start = now - now % window
    key = f"throttle:{scope}:{client_key(request)}:{start}"
    # add() is atomic and sets the expiry only once; incr() is atomic on Redis.
    cache.add(key, 0, timeout=window + 60)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window + 60)
        count = 1
    if count > limit:
        raise RateLimited(
            "Too many requests from this device; please wait and try again.",
            retry_after=start + window - now,
        )


def check_submission(request: HttpRequest) -> None:
    check(request, scope="submit", limit=settings.HASHBANK_SUBMISSIONS_PER_HOUR)


def check_pin(request: HttpRequest) -> None:
    check(request, scope="pin", limit=settings.HASHBANK_PIN_CHECKS_PER_HOUR)
