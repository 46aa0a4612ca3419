"""Reads of signals."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from hashbank.core.errors import DomainError, NotFound
from hashbank.signals import storage, types
from hashbank.signals.errors import INVALID_VALUE, SignalErrorCode
from hashbank.signals.models import Change, Signal
from member_portal.feed import leaf as leaves

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


MAX_PDQ_DISTANCE = 64  # of 256 bits; 31 is the usual match threshold


def signals_by_value(
    *, signal_type: str, value: str, distance: int | None = None, limit: int = 200
) -> list[tuple[int, int]]:
    """(signal id, distance) for the staff search: the signal of exactly this value (distance 0),
    or, for PDQ with `distance`, every PDQ signal within that many bits, nearest first.

    `value` is validated by its type's rules; a bad value or distance is a DomainError."""
    kind = types.get(signal_type)
    value = (value or "").strip().lower()
    if len(value) != kind.hex_length or not all(c in "0123456789abcdef" for c in value):
        raise DomainError(
            _("A %(type)s hash is %(length)s hexadecimal characters.")
            % {"type": kind.name, "length": kind.hex_length},
            code=INVALID_VALUE[kind.name],
        )
    if distance is not None:
        if kind.name != "pdq":
            raise DomainError(
                _("Only PDQ hashes are matched within a distance."),
                code=SignalErrorCode.INVALID_DISTANCE,
            )
        if not 0 <= distance <= MAX_PDQ_DISTANCE:
            raise DomainError(
                _("A PDQ distance is a whole number from 0 to %(max)s.")
                % {"max": MAX_PDQ_DISTANCE},
                code=SignalErrorCode.INVALID_DISTANCE,
            )
        return storage.pdq_within(value, distance, limit)
    pk = Signal.objects.filter(signal_type=kind.name, value=value).values_list("pk", flat=True)
    return [(pk, 0) for pk in pk[:1]]


def review_tiers(signal_ids: list[int]) -> dict[int, tuple[str, str | None]]:
    """signal id -> (review tier, basis) as it will be once the outbox is sealed: the latest
    queued tier change since the latest queued add, else the sealed tier (a pending add starts
    unreviewed). Basis None: no tier entry."""
    sealed = dict(Signal.objects.filter(pk__in=signal_ids).values_list("id", "tier_basis"))
    codes = dict(sealed)
    queued = (
        Change.objects.filter(signal_id__in=signal_ids)
        .exclude(kind=Change.Kind.REMOVE)
        .order_by("id")
        .values_list("signal_id", "kind", "reason")
    )
    for signal_id, kind, basis in queued:
        codes[signal_id] = leaves.NO_BASIS if kind == Change.Kind.ADD else leaves.BASIS_CODES[basis]
    return {
        sid: (leaves.tier_of(code), leaves.BASIS_NAMES.get(code)) for sid, code in codes.items()
    }


def unindexed_pdq_count() -> int:
    """PDQ signals with a value missing from the multi-index: 0 unless rows were written around
    the services (a restore of an older dump, a raw import); `manage.py pdq_index` fills them."""
    return storage.unindexed_pdq_count()
