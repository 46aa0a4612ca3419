"""Find the feed signal a member names by (signal_type, value)."""

from __future__ import annotations

from hashbank.core.errors import DomainError, NotFound
from member_portal.members.errors import MemberErrorCode


def find_signal(*, signal_type: str, value: str):
    from hashbank.signals.models import Signal

    signal_type = (signal_type or "").strip().lower()
    value = (value or "").strip().lower()
    if not signal_type or not value or len(value) > 256:
        raise DomainError(
            "Name the signal by signal_type and value.", code=MemberErrorCode.INVALID_SIGNAL
        )
    signal = (
        Signal.objects.filter(signal_type=signal_type, value=value).exclude(state="pending").first()
    )
    if signal is None:
        raise NotFound(
            "No such signal has been published in the feed.", code=MemberErrorCode.UNKNOWN_SIGNAL
        )
    return signal
