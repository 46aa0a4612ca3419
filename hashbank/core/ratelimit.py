"""The one rate limiter: fixed windows counted in Redis (every web node sees the same count), or
in the local-memory cache in the embedded mode (one process). Callers name a scope and a subject
(an HMAC of a client's address, a credential id); the key holds nothing more."""

from __future__ import annotations

import time

from django.core.cache import cache

from hashbank.core.errors import RateLimited
from hashbank.core.redis import shared_client


def enforce(*, scope: str, subject: str, limit: int, window: int, message: str) -> None:
    """Count one request of `subject` in `scope`; raise RateLimited once it passes `limit` in the
    current window of `window` seconds."""
    now = int(time.time())
    start = now - now % window
    if _count(f"hashbank:throttle:{scope}:{subject}:{start}", window + 60) > limit:
        raise RateLimited(message, retry_after=start + window - now)


def _count(key: str, ttl: int) -> int:
    client = shared_client()
    if client is not None:
        # One round trip: create the counter with its expiry if new, then increment it.
        pipe = client.pipeline(transaction=False)
        pipe.set(key, 0, ex=ttl, nx=True)
        pipe.incr(key)
        return pipe.execute()[1]
    cache.add(key, 0, timeout=ttl)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=ttl)
        return 1
