"""The embedded default's scheduler: `make run` (manage.py runserver, tasks in-process, no
broker, no beat) syncs every peer's mirror every HASHBANK_MIRROR_INTERVAL seconds from one daemon
thread of the server process. Started only by the serve command in embedded mode; in production
(REDIS_URL set) Celery beat runs the same service through hashbank.mirrors.sync_mirrors."""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable

from django.conf import settings
from django.db import close_old_connections

log = logging.getLogger(__name__)
_started = threading.Event()
_stop = threading.Event()


def embedded_serving(argv: list[str]) -> bool:
    return (
        len(argv) > 1
        and argv[1] == "runserver"
        and settings.CELERY_TASK_ALWAYS_EAGER
        and settings.HASHBANK_MIRROR_INTERVAL > 0
    )


def start_if_serving(sync_all: Callable[[], object]) -> None:
    """Start the scheduler thread (once) when this process is the embedded server."""
    if embedded_serving(sys.argv) and not _started.is_set():
        _started.set()
        threading.Thread(
            target=_run, args=(sync_all,), name="mirror-scheduler", daemon=True
        ).start()


def _run(sync_all: Callable[[], object]) -> None:
    while not _stop.wait(settings.HASHBANK_MIRROR_INTERVAL):
        try:
            sync_all()
        except Exception:  # the scheduler must outlive a database hiccup
            log.exception("mirror sync round failed")
        finally:
            close_old_connections()
