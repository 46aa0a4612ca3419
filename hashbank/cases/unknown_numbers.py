"""Wrong PINs for case numbers that have no case: counted like a real case's, so that the PIN
delay and the lock answer the same for a number that exists and for one that does not.

The count lives in the cache (Redis in production), under a keyed hash of the number (the
HMAC-SHA256 under SECRET_KEY that throttles use for addresses), never the number itself. It
expires after `REMEMBER_SECONDS`; a real case's lock lasts until a caseworker lifts it, but a
guesser cannot tell the two apart in that time: after ten wrong PINs, both are locked.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from django.core.cache import cache

from hashbank.core.addresses import address_key

log = logging.getLogger(__name__)
REMEMBER_SECONDS = 30 * 24 * 3600


def _key(number: str) -> str:
    return f"hashbank:unknown-case:{address_key('case:' + number)}"


def state(number: str) -> tuple[bool, dt.datetime | None]:
    """(locked, next attempt allowed at) for a number without a case."""
    try:
        entry = cache.get(_key(number))
    except Exception:  # the cache is down: answer as for a fresh number (no oracle in that)
        log.warning("cache unreachable: PIN failures of unknown case numbers not read")
        return False, None
    if not entry:
        return False, None
    return entry["locked"], entry["next_at"]


def record_failure(
    number: str, *, schedule: Callable[[int], tuple[bool, dt.datetime | None]]
) -> None:
    """One more wrong PIN for `number`; `schedule(failures)` is (locked, next attempt at), the
    real cases' schedule (services)."""
    key = _key(number)
    try:
        entry = cache.get(key) or {"failures": 0}
        failures = entry["failures"] + 1
        locked, next_at = schedule(failures)
        entry = {"failures": failures, "locked": locked, "next_at": next_at}
        cache.set(key, entry, timeout=REMEMBER_SECONDS)
    except Exception:
        log.warning("cache unreachable: a PIN failure of an unknown case number not counted")
