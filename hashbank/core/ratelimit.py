"""The one rate limiter: fixed windows counted in Redis (every web node sees the same count), or
in the local-memory cache in the embedded mode (one process). Callers name a scope and a subject
(an HMAC of a client's address, a credential id); the key holds nothing more.

Two ways to count: `enforce` counts every request and refuses past a limit (throttles);
`retry_after_if_reached` reads a count without adding to it and `record` adds one, so that a caller
can count only what failed (failed authentications) and refuse before doing the costly part."""

from __future__ import annotations

import time

from django.core.cache import cache

from hashbank.core.errors import RateLimited
from hashbank.core.redis import shared_client


def enforce(*, scope: str, subject: str, limit: int, window: int, message: str) -> None:
    """Count one request of `subject` in `scope`; raise RateLimited once it passes `limit` in the
    current window of `window` seconds."""
    now, start = _window(window)
    if _count(_key(scope, subject, start), window + 60) > limit:
        raise RateLimited(message, retry_after=start + window - now)


def retry_after_if_reached(*, scope: str, subject: str, limit: int, window: int) -> int | None:
    """Seconds until the current window ends if `subject` has been recorded `limit` times in it,
    else None. Counts nothing."""
    now, start = _window(window)
    if _peek(_key(scope, subject, start)) >= limit:
        return start + window - now
    return None


def record(*, scope: str, subject: str, window: int) -> int:
    """Count one event of `subject` in `scope`'s current window; the count so far."""
    _, start = _window(window)
    return _count(_key(scope, subject, start), window + 60)


def _window(window: int) -> tuple[int, int]:
    now = int(time.time())
    return now, now - now % window


def _key(scope: str, subject: str, start: int) -> str:
    return f"hashbank:throttle:{scope}:{subject}:{start}"


def _peek(key: str) -> int:
    client = shared_client()
    value = client.get(key) if client is not None else cache.get(key)
    return int(value or 0)


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
