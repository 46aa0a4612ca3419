"""The one rate limiter: fixed windows counted in Redis (every web node sees the same count), or
in the local-memory cache in the embedded mode (one process). Callers name a scope and a subject
(an HMAC of a client's address, a credential id); the key holds nothing more.

Two ways to count: `enforce` counts every request and refuses past a limit (throttles);
`retry_after_if_reached` reads a count without adding to it and `record` adds one, so that a caller
can count only what failed (failed authentications) and refuse before doing the costly part.

When Redis does not answer, the counts fall back to this process's memory for
`FALLBACK_SECONDS` before Redis is tried again: every limit still holds, per process (so at most
the number of web processes times the limit), and a Redis outage never turns a person's
submission into an error. The fallback is logged once per outage window, without the subject.

`retry_after_each(..., remember=True)` and `known_retry_after` keep, in this process's memory, which subjects a caller
has already found past a limit and until when: a count in a fixed window only grows until the
window ends, so a request the caller would refuse anyway can be refused without asking Redis
(the member API's early refusal of a client past its failed-attempt limit,
member_portal/api/early_refusal.py)."""

from __future__ import annotations

import logging
import threading
import time
from time import monotonic

from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from redis.exceptions import RedisError

from hashbank.core.errors import RateLimited
from hashbank.core.redis import shared_client

log = logging.getLogger(__name__)
FALLBACK_SECONDS = 5
_local = LocMemCache("hashbank-ratelimit-fallback", {"OPTIONS": {"MAX_ENTRIES": 100_000}})
_redis_down_until = 0.0
_state_lock = threading.Lock()
# "scope:subject" -> the end of the window in which it reached its limit (epoch seconds).
_reached: dict[str, int] = {}
REACHED_MAX_ENTRIES = 50_000  # about 10 MB at most


def enforce(
    *, scope: str, subject: str, limit: int, window: int, message: str, amount: int = 1
) -> None:
    """Count `amount` (one request, or its hashes) for `subject` in `scope`; raise RateLimited
    once the count passes `limit` in the current window of `window` seconds."""
    now, start = _window(window)
    if _count(_key(scope, subject, start), window + 60, amount) > limit:
        raise RateLimited(message, retry_after=start + window - now)


def retry_after_if_reached(*, scope: str, subject: str, limit: int, window: int) -> int | None:
    """Seconds until the current window ends if `subject` has been recorded `limit` times in it,
    else None. Counts nothing."""
    now, start = _window(window)
    if _peek(_key(scope, subject, start)) >= limit:
        return start + window - now
    return None


def retry_after_each(limits: list[dict], *, remember: bool = False) -> list[int | None]:
    """`retry_after_if_reached` for each of `limits` (dicts of its keyword arguments), read in one
    Redis round trip (MGET): a request that checks several counters before its costly part
    waits for Redis once. Counts nothing. With `remember`, each limit found reached is kept in
    this process until its window ends, for `known_retry_after`."""
    if not limits:
        return []
    now = int(time.time())
    starts = [now - now % limit["window"] for limit in limits]
    keys = [
        _key(limit["scope"], limit["subject"], start)
        for limit, start in zip(limits, starts, strict=True)
    ]
    counts = _peek_many(keys)
    if remember:
        for limit, start, count in zip(limits, starts, counts, strict=True):
            if count >= limit["limit"]:
                _remember_reached(limit["scope"], limit["subject"], start + limit["window"])
    return [
        start + limit["window"] - now if count >= limit["limit"] else None
        for limit, start, count in zip(limits, starts, counts, strict=True)
    ]


def record(*, scope: str, subject: str, window: int, keep: int = 1) -> int:
    """Count one event of `subject` in `scope`'s current window; the count so far. The counter
    is kept for `keep` windows (for `history`)."""
    _, start = _window(window)
    return _count(_key(scope, subject, start), window * keep + 60)


def history(*, scope: str, subject: str, window: int, windows: int) -> list[int]:
    """The counts of the `windows` windows before the current one, the most recent first (0
    where nothing was counted, or the counter has expired: see `record(keep=)`)."""
    _, start = _window(window)
    return _peek_many([_key(scope, subject, start - n * window) for n in range(1, windows + 1)])


def current(*, scope: str, subject: str, window: int) -> int:
    """The count of the current window. Counts nothing."""
    _, start = _window(window)
    return _peek(_key(scope, subject, start))


def _remember_reached(scope: str, subject: str, until: int) -> None:
    if len(_reached) >= REACHED_MAX_ENTRIES:
        with _state_lock:  # many subjects at once: forget the ended windows, else everything
            now = int(time.time())
            for key in [key for key, end in _reached.items() if end <= now]:
                _reached.pop(key, None)
            if len(_reached) >= REACHED_MAX_ENTRIES:
                _reached.clear()
    _reached[f"{scope}:{subject}"] = until


def known_retry_after(*, scope: str, subject: str) -> int | None:
    """Seconds until the window ends in which this process saw `subject` past its limit in
    `scope` (`retry_after_each(..., remember=True)`), else None: the answer
    `retry_after_if_reached` would give, without Redis, for what this process has already seen.
    Counts nothing."""
    until = _reached.get(f"{scope}:{subject}")
    if until is None:
        return None
    left = until - int(time.time())
    return left if left > 0 else None


def _window(window: int) -> tuple[int, int]:
    now = int(time.time())
    return now, now - now % window


def _key(scope: str, subject: str, start: int) -> str:
    return f"hashbank:throttle:{scope}:{subject}:{start}"


def reset_process_state() -> None:
    """Forget this process's fallback counts, the limits it saw reached and any Redis outage
    seen (for tests)."""
    global _redis_down_until
    _local.clear()
    _reached.clear()
    _redis_down_until = 0.0


def _redis():
    """The shared Redis client, or None in the embedded mode and while Redis is down."""
    if monotonic() < _redis_down_until:
        return None
    return shared_client()


def _redis_failed() -> None:
    global _redis_down_until
    with _state_lock:
        if monotonic() >= _redis_down_until:
            log.warning(
                "Redis unreachable: rate limits counted per process for %s s", FALLBACK_SECONDS
            )
        _redis_down_until = monotonic() + FALLBACK_SECONDS


def _peek(key: str) -> int:
    client = _redis()
    if client is not None:
        try:
            return int(client.get(key) or 0)
        except RedisError:
            _redis_failed()
    store = cache if shared_client() is None else _local
    return int(store.get(key) or 0)


def _peek_many(keys: list[str]) -> list[int]:
    client = _redis()
    if client is not None:
        try:
            return [int(value or 0) for value in client.mget(keys)]
        except RedisError:
            _redis_failed()
    store = cache if shared_client() is None else _local
    values = store.get_many(keys)
    return [int(values.get(key) or 0) for key in keys]


def _count(key: str, ttl: int, amount: int = 1) -> int:
    client = _redis()
    if client is not None:
        try:
            # One round trip: create the counter with its expiry if new, then increment it.
            pipe = client.pipeline(transaction=False)
            pipe.set(key, 0, ex=ttl, nx=True)
            pipe.incrby(key, amount)
            return pipe.execute()[1]
        except RedisError:
            _redis_failed()
    store = cache if shared_client() is None else _local
    store.add(key, 0, timeout=ttl)
    try:
        return store.incr(key, amount)
    except ValueError:  # expired between add and incr
        store.add(key, amount, timeout=ttl)
        return amount
