"""One Redis client per process for the web workers' own keys (throttle counters, seal requests).

Created lazily under a lock: a second client made by a racing thread would be garbage-collected,
closing connections another thread's pipeline is still using. None in the embedded mode.
"""

from __future__ import annotations

import threading

from django.conf import settings

_client = None
_client_url = None
_lock = threading.Lock()


def shared_client():
    """The process's Redis client for settings.REDIS_URL, or None when Redis is not configured."""
    global _client, _client_url
    url = settings.REDIS_URL
    if not url:
        return None
    with _lock:
        if _client is None or _client_url != url:  # tests may point REDIS_URL elsewhere
            import redis

            # Short timeouts: a Redis that hangs must cost a request a fraction of a second
            # (the rate limiter then counts in memory), not a gunicorn worker's whole timeout.
            _client = redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=0.5)
            _client_url = url
        return _client
