"""Wrong PINs for case numbers that have no case: counted like a real case's, so that the PIN
delay, the lock and the work a wrong PIN costs are the same for a number that exists and for one
that does not (a guesser would otherwise tell them apart by the fourth wrong PIN, or by the
database write a real case's failure costs).

The count lives in `UnknownCaseNumber`, a row per number like the case's own row, under a keyed
hash of the number (the HMAC-SHA256 under SECRET_KEY that throttles use for addresses), never
the number itself. Rows not touched for `REMEMBER_DAYS` are deleted as new ones are written: a
real case's lock lasts until a caseworker lifts it, a guessed number's for a month.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.db.models import F

from hashbank.cases.models import UnknownCaseNumber
from hashbank.core.addresses import address_key

REMEMBER_DAYS = 30
CLEANUP_ONE_IN = 200


def _key(number: str) -> str:
    return address_key("case-number:" + number)


def state(number: str) -> tuple[bool, dt.datetime | None]:
    """(locked, next attempt allowed at) for a number without a case."""
    row = UnknownCaseNumber.objects.filter(key=_key(number)).first()
    if row is None:
        return False, None
    return row.locked_at is not None, row.next_pin_attempt_at


def record_failure(
    number: str,
    *,
    now: dt.datetime,
    schedule: Callable[[int], tuple[bool, dt.datetime | None]],
) -> None:
    """One more wrong PIN for `number`; `schedule(failures)` is (locked, next attempt at), the
    real cases' schedule (services). The same statements as a case's, in one transaction: an
    increment (an insert the first time), a read, and an update once there is a delay."""
    key = _key(number)
    with transaction.atomic():
        updated = UnknownCaseNumber.objects.filter(key=key).update(
            failed_pin_attempts=F("failed_pin_attempts") + 1, last_failed_at=now
        )
        if not updated:
            try:
                with transaction.atomic():
                    UnknownCaseNumber.objects.create(
                        key=key, failed_pin_attempts=1, last_failed_at=now
                    )
            except IntegrityError:  # a concurrent guess of the same number inserted it first
                UnknownCaseNumber.objects.filter(key=key).update(
                    failed_pin_attempts=F("failed_pin_attempts") + 1
                )
        failures = UnknownCaseNumber.objects.filter(key=key).values_list(
            "failed_pin_attempts", flat=True
        )[0]
        locked, next_at = schedule(failures)
        if locked or next_at is not None:
            UnknownCaseNumber.objects.filter(key=key).update(
                next_pin_attempt_at=next_at, locked_at=now if locked else None
            )
    if secrets.randbelow(CLEANUP_ONE_IN) == 0:  # now and then, not on every guess
        UnknownCaseNumber.objects.filter(
            last_failed_at__lt=now - dt.timedelta(days=REMEMBER_DAYS)
        ).delete()
