"""Readiness checks: each returns (ok, detail) and never raises."""

from __future__ import annotations

from django.conf import settings
from django.db import connection

from hashbank.celery import app


def check_database() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return False, f"database unreachable: {type(exc).__name__}"
    return True, connection.vendor


def check_redis() -> tuple[bool, str]:
    if not settings.REDIS_URL:
        return True, "not configured (embedded mode)"
    import redis

    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_timeout=1, socket_connect_timeout=1).ping()
    except Exception as exc:
        return False, f"redis unreachable: {type(exc).__name__}"
    return True, "ok"


def check_celery_worker() -> tuple[bool, str]:
    if not settings.REDIS_URL:
        return True, "tasks run in-process (embedded mode)"

    try:
        replies = app.control.ping(timeout=1.0)
    except Exception as exc:
        return False, f"broker unreachable: {type(exc).__name__}"
    if not replies:
        return False, "no Celery worker answered"
    return True, f"{len(replies)} worker(s)"
