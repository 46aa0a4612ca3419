"""The embedded default's scheduler: `make run` (manage.py runserver, tasks in-process, no
broker, no beat) syncs every peer's mirror every HASHBANK_MIRROR_INTERVAL seconds from one daemon
thread of the server process, and a nudged origin (`request(origin_id)`, POST /peer/v1/nudge) at
once, from the same thread (one writer of the SQLite file; nudges that arrive during a sync are
coalesced into one more). Started only by the serve command in embedded mode; in production
(REDIS_URL set) Celery beat runs the same service through hashbank.mirrors.sync_mirrors and a
nudge queues hashbank.mirrors.sync_origin."""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.db import close_old_connections

log = logging.getLogger(__name__)
_started = threading.Event()
_stop = threading.Event()
_wake = threading.Event()
_lock = threading.Lock()
_requested: set[str] = set()


def embedded_serving(argv: list[str]) -> bool:
    return (
        len(argv) > 1
        and argv[1] == "runserver"
        and settings.CELERY_TASK_ALWAYS_EAGER
        and settings.HASHBANK_MIRROR_INTERVAL > 0
    )


def running() -> bool:
    return _started.is_set()


def start_if_serving(
    sync_all: Callable[[], object], sync_origins: Callable[[set[str]], object]
) -> None:
    """Start the scheduler thread (once) when this process is the embedded server."""
    if embedded_serving(sys.argv) and not _started.is_set():
        _started.set()
        threading.Thread(
            target=_run, args=(sync_all, sync_origins), name="mirror-scheduler", daemon=True
        ).start()


def request(origin_id: str) -> bool:
    """Ask the scheduler thread to sync this origin now; False when no scheduler runs here."""
    if not _started.is_set():
        return False
    with _lock:
        _requested.add(origin_id)
        _wake.set()
    return True


def _run(sync_all: Callable[[], object], sync_origins: Callable[[set[str]], object]) -> None:
    next_round = time.monotonic() + settings.HASHBANK_MIRROR_INTERVAL
    while not _stop.is_set():
        _wake.wait(max(0.0, next_round - time.monotonic()))
        if _stop.is_set():
            return
        with _lock:
            requested = set(_requested)
            _requested.clear()
            _wake.clear()
        try:
            if time.monotonic() >= next_round:
                next_round = time.monotonic() + settings.HASHBANK_MIRROR_INTERVAL
                sync_all()
            elif requested:
                sync_origins(requested)
        except Exception:  # the scheduler must outlive a database hiccup
            log.exception("mirror sync round failed")
        finally:
            close_old_connections()
