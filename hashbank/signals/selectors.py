from __future__ import annotations

from django.db.models import QuerySet

from hashbank.signals.models import Signal


def active_signals() -> QuerySet[Signal]:
    return Signal.objects.filter(state=Signal.State.ACTIVE)


def active_count() -> int:
    return active_signals().count()


def signal_by_value(signal_type: str, value: str) -> Signal | None:
    return Signal.objects.filter(signal_type=signal_type, value=value.strip().lower()).first()
