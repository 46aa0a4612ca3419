"""Readiness checks: each returns (ok, detail) and never raises."""

from __future__ import annotations

import shutil
from pathlib import Path

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


def check_disk_space() -> tuple[bool, str]:
    """Each directory the bank writes to (the SQLite database's, the tiles, the keys, the
    snapshots) has at least HASHBANK_MIN_FREE_DISK_MB free. A full disk answers every seal and
    submission with an error while the process itself looks alive."""
    minimum = settings.HASHBANK_MIN_FREE_DISK_MB
    low = []
    for name, path in _written_directories():
        try:
            free_mb = shutil.disk_usage(path).free // (1024 * 1024)
        except OSError:
            continue  # not created yet: nothing was written there, nothing to fill
        if free_mb < minimum:
            low.append(f"{name} {free_mb} MB")
    if low:
        return False, f"less than {minimum} MB free: " + ", ".join(low)
    return True, f"at least {minimum} MB free"


def _written_directories() -> list[tuple[str, Path]]:
    paths = [("keys", Path(settings.HASHBANK_KEY_DIR))]
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3") and str(database["NAME"]) != ":memory:":
        paths.append(("database", Path(database["NAME"]).parent))
    if settings.HASHBANK_TILES_DIR:
        paths.append(("tiles", Path(settings.HASHBANK_TILES_DIR)))
    snapshots = getattr(settings, "HASHBANK_SNAPSHOT_DIR", None)
    if snapshots:
        paths.append(("snapshots", Path(snapshots)))
    return paths
