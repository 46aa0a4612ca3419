"""Writes to signals. Every change of a signal's presence in the feed goes through hold/release,
which queue the ledger change in the caller's transaction and ask for a seal once it commits."""

from __future__ import annotations

import secrets

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from hashbank.core.db import fetch_prepared
from hashbank.ledger import services as ledger
from hashbank.ledger.models import Change
from hashbank.signals import types
from hashbank.signals.models import Signal
from member_portal.feed import leaf as leaves


def _salt_and_digest(signal_type: str, value: str, quality: int | None) -> tuple[bytes, bytes]:
    """A fresh salt for a new signal and the salted value digest its add leaf commits to."""
    salt = secrets.token_bytes(leaves.SALT_SIZE)
    return salt, leaves.value_digest(salt, signal_type, quality, bytes.fromhex(value))


def _new_signal(signal_type: str, value: str, quality: int | None) -> Signal:
    salt, digest = _salt_and_digest(signal_type, value, quality)
    return Signal(signal_type=signal_type, value=value, quality=quality, salt=salt, digest=digest)


def get_or_create(*, signal_type: str, value: str, quality: int | None = None) -> Signal:
    signal_type, value, quality = types.normalize(signal_type, value, quality)
    existing = Signal.objects.filter(signal_type=signal_type, value=value).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            signal = _new_signal(signal_type, value, quality)
            signal.save()
            return signal
    except IntegrityError:  # another submission created it a moment ago
        return Signal.objects.get(signal_type=signal_type, value=value)


@transaction.atomic
def hold(*, signal_type: str, value: str, quality: int | None = None) -> Signal:
    """A case holds this value active; publishes it (an `add` change) when it was not already."""
    signal = get_or_create(signal_type=signal_type, value=value, quality=quality)
    Signal.objects.filter(pk=signal.pk).update(active_holds=F("active_holds") + 1)
    signal = Signal.objects.select_for_update().get(pk=signal.pk)
    if signal.active_holds == 1:
        Change.objects.create(signal=signal, kind=Change.Kind.ADD)
        ledger.request_seal()
    return signal


def hold_many(*, items: list[tuple[str, str, int | None]]) -> list[Signal]:
    """hold() for many values at once (a case's hashes), in a few statements whatever their
    number. `items` are distinct (signal_type, value, quality); returns their Signals in order."""
    normalized = [types.normalize(t, v, q) for t, v, q in items]
    if connection.vendor == "postgresql":
        return _hold_many_in_one_statement(normalized)
    with transaction.atomic():
        return _hold_many_in_statements(normalized)


def _hold_many_in_statements(normalized: list[tuple[str, str, int | None]]) -> list[Signal]:
    # Missing rows first; a concurrent submission may create the same one (ignored conflict).
    Signal.objects.bulk_create(
        [_new_signal(t, v, q) for t, v, q in normalized], ignore_conflicts=True
    )
    # Values of different types differ in length, so (type IN ..., value IN ...) matches exactly
    # the wanted rows, through the (signal_type, value) unique index.
    match = Q(
        signal_type__in={t for t, _, _ in normalized}, value__in=[v for _, v, _ in normalized]
    )
    # One UPDATE increments and row-locks them all until commit.
    Signal.objects.filter(match).update(active_holds=F("active_holds") + 1)
    found = {(s.signal_type, s.value): s for s in Signal.objects.filter(match)}
    added = [Change(signal=s, kind=Change.Kind.ADD) for s in found.values() if s.active_holds == 1]
    if added:
        Change.objects.bulk_create(added)
        ledger.request_seal()
    return [found[(t, v)] for t, v, _ in normalized]


# PostgreSQL: hold_many in one round trip. New values are inserted holding 1; existing ones get
# one more hold (ON CONFLICT ... DO UPDATE also row-locks them until commit); every signal whose
# hold count became 1 was not in the feed, so an `add` change is queued for it.
_HOLD_MANY_SQL = """
WITH held AS (
    INSERT INTO {signal} AS s
        (signal_type, value, quality, salt, digest, active_holds, state, removal_reason, created_at)
    SELECT t, v, q, salt, digest, 1, %(pending)s, '', %(now)s
    FROM unnest(%(types)s::varchar[], %(values)s::varchar[], %(qualities)s::smallint[],
                %(salts)s::bytea[], %(digests)s::bytea[]) AS wanted (t, v, q, salt, digest)
    ON CONFLICT (signal_type, value) DO UPDATE SET active_holds = s.active_holds + 1
    RETURNING s.id, s.signal_type, s.value, s.active_holds
), queued AS (
    INSERT INTO {change} (signal_id, kind, reason, created_at)
    SELECT id, %(add)s, '', %(now)s FROM held WHERE active_holds = 1
)
SELECT id, signal_type, value, active_holds FROM held
"""


def _hold_many_in_one_statement(normalized: list[tuple[str, str, int | None]]) -> list[Signal]:
    # ON CONFLICT ... DO UPDATE locks existing rows in the order of the input. Every transaction
    # that locks several signals (here, withdrawals, seals) takes them in (type, value) order, so
    # none waits on another in a cycle.
    ordered = sorted(normalized)
    salted = [_salt_and_digest(t, v, q) for t, v, q in ordered]
    params = {
        "types": [t for t, _, _ in ordered],
        "values": [v for _, v, _ in ordered],
        "qualities": [q for _, _, q in ordered],
        "salts": [salt for salt, _ in salted],
        "digests": [digest for _, digest in salted],
        "pending": Signal.State.PENDING.value,
        "add": Change.Kind.ADD.value,
        "now": timezone.now(),
    }
    sql = _HOLD_MANY_SQL.format(signal=Signal._meta.db_table, change=Change._meta.db_table)
    rows = fetch_prepared(sql, params)  # one statement: atomic on its own
    fields = ["id", "signal_type", "value", "active_holds"]
    found = {(row[1], row[2]): Signal.from_db(connection.alias, fields, row) for row in rows}
    if any(row[3] == 1 for row in rows):
        ledger.request_seal()
    return [found[(t, v)] for t, v, _ in normalized]


@transaction.atomic
def release(*, signal: Signal, reason: types.RemovalReason | str) -> Signal:
    """A case stops holding this value; removes it from the feed when no case holds it any more."""
    reason_value = reason.value if isinstance(reason, types.RemovalReason) else str(reason)
    updated = Signal.objects.filter(pk=signal.pk, active_holds__gt=0).update(
        active_holds=F("active_holds") - 1
    )
    signal = Signal.objects.select_for_update().get(pk=signal.pk)
    if updated and signal.active_holds == 0:
        Change.objects.create(signal=signal, kind=Change.Kind.REMOVE, reason=reason_value)
        ledger.request_seal()
    return signal


@transaction.atomic
def purge_value(*, signal: Signal) -> None:
    """Forget a removed signal's value; the ledger keeps only its salted digest."""
    signal = Signal.objects.select_for_update().get(pk=signal.pk)
    if signal.active_holds or signal.state != Signal.State.REMOVED:
        raise types.InvalidSignal("only a removed signal can be purged", code="signal_not_removed")
    Signal.objects.filter(pk=signal.pk).update(value=None, salt=b"", purged_at=timezone.now())
    from hashbank.ledger.models import Entry

    Entry.objects.filter(signal_id=signal.pk).update(payload=b"")
