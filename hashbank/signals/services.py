"""Writes to signals. Every change of a signal's presence in the feed goes through hold/release,
which queue the ledger change in the caller's transaction and ask for a seal once it commits."""

from __future__ import annotations

import secrets

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from hashbank.ledger import services as ledger
from hashbank.ledger.models import Change
from hashbank.signals import types
from hashbank.signals.models import Signal
from member_portal.feed import leaf as leaves


def _new_signal(signal_type: str, value: str, quality: int | None) -> Signal:
    salt = secrets.token_bytes(leaves.SALT_SIZE)
    digest = leaves.value_digest(salt, signal_type, quality, bytes.fromhex(value))
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
