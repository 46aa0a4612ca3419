"""Reads of signals."""

from __future__ import annotations

from hashbank.core.errors import DomainError, NotFound
from hashbank.signals.errors import SignalErrorCode
from hashbank.signals.models import Signal

MAX_VALUE_LENGTH = 256


def published_signal(*, signal_type: str, value: str) -> Signal:
    """The signal a member names by (signal_type, value), once it has been in the feed (active or
    removed since); a pending one is not shown, as members cannot have seen it."""
    signal_type = (signal_type or "").strip().lower()
    value = (value or "").strip().lower()
    if not signal_type or not value or len(value) > MAX_VALUE_LENGTH:
        raise DomainError(
            "Name the signal by signal_type and value.", code=SignalErrorCode.INVALID_SIGNAL
        )
    signal = (
        Signal.objects.filter(signal_type=signal_type, value=value)
        .exclude(state=Signal.State.PENDING)
        .first()
    )
    if signal is None:
        raise NotFound(
            "No such signal has been published in the feed.", code=SignalErrorCode.UNKNOWN_SIGNAL
        )
    return signal
