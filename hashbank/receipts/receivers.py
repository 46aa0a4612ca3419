"""The ledger's purge asks who still needs a removed value (ledger.events.purge_holds); the
mirrors ask the same of a blanked value kept for a mirrored origin's facade (mirrors.events)."""

from __future__ import annotations

from django.dispatch import receiver

from hashbank.ledger.events import purge_holds
from hashbank.mirrors.events import facade_holds
from hashbank.receipts import selectors


@receiver(purge_holds, dispatch_uid="receipts.hold_unapplied_removals")
def hold_unapplied_removals(sender, *, signals, now, **kwargs) -> set[int]:
    return selectors.held_for_purge(signals, now)


@receiver(facade_holds, dispatch_uid="receipts.hold_unapplied_facade_removals")
def hold_unapplied_facade_removals(sender, *, origin_id, holds, now, **kwargs) -> set[int]:
    return selectors.held_for_facade(origin_id, holds, now)
