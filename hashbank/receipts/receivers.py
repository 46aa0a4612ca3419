"""The ledger's purge asks who still needs a removed value (ledger.events.purge_holds)."""

from __future__ import annotations

from django.dispatch import receiver

from hashbank.ledger.events import purge_holds
from hashbank.receipts import selectors


@receiver(purge_holds, dispatch_uid="receipts.hold_unapplied_removals")
def hold_unapplied_removals(sender, *, signals, now, **kwargs) -> set[int]:
    return selectors.held_for_purge(signals, now)
