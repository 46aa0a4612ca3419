"""Bulk-load active signals for benchmarks and large tests: the same rows the submission path
writes (signals, holds as counts, queued changes), inserted in bulk. Sealing is left to the caller."""

from __future__ import annotations

import os

from django.db import connection, transaction

from hashbank.ledger.models import Change
from hashbank.signals.models import Signal
from member_portal.feed import leaf as leaves


def pending_signals(count: int, *, signal_type: str = "pdq", quality: int = 90) -> None:
    """Create `count` random signals held once each, with their `add` changes queued."""
    size = leaves.VALUE_SIZES[signal_type]
    batch = 20000
    for offset in range(0, count, batch):
        n = min(batch, count - offset)
        signals = []
        for _ in range(n):
            raw = os.urandom(size)
            salt = os.urandom(leaves.SALT_SIZE)
            q = quality if signal_type == "pdq" else None
            signals.append(
                Signal(
                    signal_type=signal_type, value=raw.hex(), quality=q, salt=salt,
                    digest=leaves.value_digest(salt, signal_type, q, raw), active_holds=1,
                )
            )
        with transaction.atomic():
            created = Signal.objects.bulk_create(signals, batch_size=5000)
            if connection.vendor == "postgresql" or created[0].pk is not None:
                ids = [s.pk for s in created]
            else:
                ids = list(Signal.objects.order_by("-pk").values_list("pk", flat=True)[:n])[::-1]
            Change.objects.bulk_create([Change(signal_id=i, kind=Change.Kind.ADD) for i in ids], batch_size=5000)


def seed_active_signals(count: int, **kwargs) -> None:
    """`count` active signals, sealed into the ledger."""
    from hashbank.ledger import services

    pending_signals(count, **kwargs)
    while services.seal() is not None and Change.objects.exists():
        pass
