"""Admission control for open submissions: a global cap per minute, adaptive within bounds.

Per-client throttles (hashbank/submissions/throttle.py) bound one client; a flood from many
addresses is bounded here. Every submission attempt is counted in one Redis counter per minute.
The cap for a minute is HASHBANK_SUBMISSION_CAP_FACTOR times the median of the admitted
submissions of the previous hour's minutes, and never below HASHBANK_SUBMISSION_CAP_FLOOR nor
above HASHBANK_SUBMISSION_CAP_CEILING: a busy day raises it, a burst does not (the median), and
only admitted submissions feed it, so that a sustained flood cannot raise the cap beyond the
ceiling. Beyond the cap a submission is a 503 with Retry-After (the end of the minute), and the
staff dashboard shows an alarm for the hour (`alarm()`).

The cap is computed once per minute per process (one MGET of 60 counters).
"""

from __future__ import annotations

import statistics
import threading
import time
from dataclasses import dataclass

from django.conf import settings

from hashbank.core import ratelimit
from hashbank.core.errors import Unavailable

WINDOW = 60
HISTORY_WINDOWS = 60
ATTEMPTS, ADMITTED, REFUSED = "admission/attempts", "admission/admitted", "admission/refused"
SUBJECT = "all"
MESSAGE = (
    "The service is receiving more submissions than it can take right now. Nothing was saved; "
    "please try again in a minute."
)

_cached: dict[str, tuple[int, int]] = {}
_lock = threading.Lock()


@dataclass(frozen=True)
class Alarm:
    """Submissions refused by the global cap this hour and the last."""

    refused_this_hour: int
    refused_last_hour: int
    cap_per_minute: int


def cap() -> int:
    """This minute's cap on submission attempts, bank-wide."""
    floor = settings.HASHBANK_SUBMISSION_CAP_FLOOR
    ceiling = max(floor, settings.HASHBANK_SUBMISSION_CAP_CEILING)
    minute = int(time.time()) // WINDOW
    with _lock:
        cached = _cached.get("cap")
        if cached is not None and cached[0] == minute:
            return cached[1]
    admitted = ratelimit.history(
        scope=ADMITTED, subject=SUBJECT, window=WINDOW, windows=HISTORY_WINDOWS
    )
    adaptive = int(settings.HASHBANK_SUBMISSION_CAP_FACTOR * statistics.median(admitted))
    value = min(ceiling, max(floor, adaptive))
    with _lock:
        _cached["cap"] = (minute, value)
    return value


def reset_process_state() -> None:
    """Forget this process's cached cap (for tests)."""
    with _lock:
        _cached.clear()


def admit_submission() -> None:
    """Count one submission attempt; raise Unavailable (503) past this minute's cap. A cap of 0
    (HASHBANK_SUBMISSION_CAP_FLOOR=0) switches admission control off."""
    if settings.HASHBANK_SUBMISSION_CAP_FLOOR <= 0:
        return
    limit = cap()
    attempts = ratelimit.record(scope=ATTEMPTS, subject=SUBJECT, window=WINDOW)
    if attempts > limit:
        ratelimit.record(scope=REFUSED, subject=SUBJECT, window=3600, keep=2)
        now = int(time.time())
        raise Unavailable(MESSAGE, retry_after=WINDOW - now % WINDOW)
    ratelimit.record(scope=ADMITTED, subject=SUBJECT, window=WINDOW, keep=HISTORY_WINDOWS + 1)


def alarm() -> Alarm | None:
    """The alarm for the staff dashboard: None unless the cap refused a submission in the
    current or the previous hour."""
    this_hour = ratelimit.current(scope=REFUSED, subject=SUBJECT, window=3600)
    [last_hour] = ratelimit.history(scope=REFUSED, subject=SUBJECT, window=3600, windows=1)
    if not this_hour and not last_hour:
        return None
    return Alarm(this_hour, last_hour, cap())
