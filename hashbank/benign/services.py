"""Writes to the benign list: contributions by members and staff (staff's audited), the held
matches a submission records, and their decisions (by hashbank.cases.services.decide_held, which
changes the case's row in the same transaction)."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hashbank.audit import services as audit
from hashbank.benign.errors import BenignErrorCode
from hashbank.benign.models import BenignHash, HeldMatch
from hashbank.core.errors import DomainError
from hashbank.signals import types
from hashbank.signals.errors import SignalErrorCode
from hashbank.signals.models import Signal


def contribute(
    *,
    signal_type: object,
    value: object,
    source: str,
    contributed_by: str,
    note: str = "",
    actor: Any = None,
) -> tuple[BenignHash, bool]:
    """(benign hash, created). A value already on the list is returned as it is. A value a case
    holds in the feed is refused: contesting a published hash is a dispute, reviewed by people.
    Staff contributions (`actor`) are audited."""
    try:
        signal_type, value, _quality = types.normalize(
            signal_type, value, 100 if signal_type == "pdq" else None
        )
    except types.InvalidSignal as error:
        raise DomainError(error.message, code=SignalErrorCode.INVALID_SIGNAL) from None
    if Signal.objects.filter(signal_type=signal_type, value=value, active_holds__gt=0).exists():
        raise DomainError(
            _("That hash is in the feed: dispute it instead (a reviewer decides)."),
            code=BenignErrorCode.VALUE_IN_FEED,
            status=409,
        )
    existing = BenignHash.objects.filter(signal_type=signal_type, value=value).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            benign = BenignHash.objects.create(
                signal_type=signal_type,
                value=value,
                source=source,
                contributed_by=contributed_by[:150],
                note=note[:500],
                **BenignHash.chunk_fields(signal_type, value),
            )
            if actor is not None:
                audit.record_event(
                    actor=actor,
                    action="benign.added",
                    target=f"benign:{benign.pk}",
                    after={"signal_type": signal_type, "note": benign.note},
                )
    except IntegrityError:  # contributed concurrently
        return BenignHash.objects.get(signal_type=signal_type, value=value), False
    return benign, True


def record_held(*, matches: list[tuple[int, BenignHash, int]]) -> None:
    """(case signal id, benign hash, distance) of the hashes a submission held back."""
    HeldMatch.objects.bulk_create(
        [HeldMatch(case_signal_id=cs, benign=b, distance=d) for cs, b, d in matches]
    )


def decide(*, case_signal_id: int, published: bool, by: str) -> HeldMatch:
    """Mark a held hash decided; the caller (cases.services.decide_held) changes the case's row in
    the same transaction. Refused when already decided."""
    held = HeldMatch.objects.select_for_update().filter(case_signal_id=case_signal_id).first()
    if held is None or held.decided_at is not None:
        raise DomainError(
            _("This hash is not waiting for a decision."), code=BenignErrorCode.ALREADY_DECIDED
        )
    held.decision = HeldMatch.Decision.PUBLISHED if published else HeldMatch.Decision.REJECTED
    held.decided_by, held.decided_at = by[:150], timezone.now()
    held.save(update_fields=["decision", "decided_by", "decided_at"])
    return held
