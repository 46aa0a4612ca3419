"""The embedded default (`make run`: runserver, tasks in-process, no beat) runs `run_due` every
HASHBANK_FORWARD_SWEEP_SECONDS from one daemon thread of the server process, as the mirrors'
scheduler does their syncs (hashbank/mirrors/embedded.py decides when a process is that server).
In production Celery beat runs the same service through hashbank.forwarding.run_due."""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable

from django.conf import settings
from django.db import close_old_connections

from hashbank.mirrors.embedded import embedded_serving

log = logging.getLogger(__name__)
_started = threading.Event()


def start_if_serving(run_due: Callable[[], object]) -> None:
    if embedded_serving(sys.argv) and settings.HASHBANK_FORWARD_SWEEP_SECONDS > 0:
        if not _started.is_set():
            _started.set()
            threading.Thread(
                target=_run, args=(run_due,), name="forwarding-scheduler", daemon=True
            ).start()


def _run(run_due: Callable[[], object]) -> None:
    while not threading.Event().wait(settings.HASHBANK_FORWARD_SWEEP_SECONDS):
        try:
            run_due()
        except Exception:  # the scheduler must outlive a database hiccup or a peer's bad answer
            log.exception("forwarding round failed")
        finally:
            close_old_connections()
