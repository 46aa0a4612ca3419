"""Bulk-load active signals for benchmarks (bench/) and large tests: the same rows the submission
path writes (signals, holds as counts, changes queued in the outbox), inserted in bulk (COPY on
PostgreSQL). Sealing is left to the caller, but for seed_active_signals."""

from __future__ import annotations

import os

from django.db import connection, transaction
from django.utils import timezone

from hashbank.ledger import services
from hashbank.signals import outbox
from hashbank.signals.models import Change, Signal
from member_portal.feed import leaf as leaves

BATCH = 50_000


def _rows(n: int, signal_type: str, quality: int | None):
    size = leaves.VALUE_SIZES[signal_type]
    value_digest = leaves.value_digest
    blob = os.urandom(n * (size + leaves.SALT_SIZE))
    step = size + leaves.SALT_SIZE
    for i in range(0, n * step, step):
        salt, raw = blob[i : i + leaves.SALT_SIZE], blob[i + leaves.SALT_SIZE : i + step]
        yield raw.hex(), salt, value_digest(salt, signal_type, quality, raw)


def pending_signals(count: int, *, signal_type: str = "pdq", quality: int = 90) -> None:
    """Create `count` random signals held once each, with their `add` changes queued."""
    q = quality if signal_type == "pdq" else None
    for offset in range(0, count, BATCH):
        n = min(BATCH, count - offset)
        with transaction.atomic():
            if connection.vendor == "postgresql":
                _copy_batch(n, signal_type, q)
            else:
                _orm_batch(n, signal_type, q)


def _copy_batch(n: int, signal_type: str, quality: int | None) -> None:
    now = timezone.now()
    with connection.cursor() as cursor:
        ids = _reserve_ids(cursor, n)
        raw = cursor.cursor
        columns = "id, signal_type, value, quality, salt, digest, active_holds, state, removal_reason, created_at"
        with raw.copy(f"COPY signals_signal ({columns}) FROM STDIN") as copy:
            for pk, (value, salt, digest) in zip(ids, _rows(n, signal_type, quality), strict=True):
                copy.write_row(
                    (pk, signal_type, value, quality, salt, digest, 1, "pending", "", now)
                )
        with raw.copy(
            f"COPY {Change._meta.db_table} (signal_id, kind, reason, created_at) FROM STDIN"
        ) as copy:
            for pk in ids:
                copy.write_row((pk, "add", "", now))


_DRAW_IDS = (
    "SELECT nextval(pg_get_serial_sequence('signals_signal', 'id')) AS id"
    " FROM generate_series(1, %s)"
)


def _reserve_ids(cursor, n: int) -> list[int] | range:
    """n ids from the signals' sequence. Usually one contiguous run, sent back as its bounds;
    when another writer drew from the sequence meanwhile, every id is fetched."""
    cursor.execute(f"SELECT min(id), max(id) FROM ({_DRAW_IDS}) drawn", [n])
    low, high = cursor.fetchone()
    if high - low + 1 == n:
        return range(low, high + 1)
    cursor.execute(_DRAW_IDS, [n])
    return [row[0] for row in cursor.fetchall()]


def _orm_batch(n: int, signal_type: str, quality: int | None) -> None:
    signals = [
        Signal(
            signal_type=signal_type,
            value=value,
            quality=quality,
            salt=salt,
            digest=digest,
            active_holds=1,
        )
        for value, salt, digest in _rows(n, signal_type, quality)
    ]
    created = Signal.objects.bulk_create(signals, batch_size=5000)
    if created[0].pk is not None:
        ids = [s.pk for s in created]
    else:
        ids = list(Signal.objects.order_by("-pk").values_list("pk", flat=True)[:n])[::-1]
    Change.objects.bulk_create(
        [Change(signal_id=i, kind=Change.Kind.ADD) for i in ids], batch_size=5000
    )


def seed_active_signals(count: int, **kwargs) -> None:
    """`count` active signals, sealed into the ledger."""
    pending_signals(count, **kwargs)
    while services.seal() is not None and not outbox.is_empty():
        pass
