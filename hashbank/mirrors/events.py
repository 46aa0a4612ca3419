"""What the mirrors tell the rest of the bank and ask of it, as Django signals (so they import
none of it; docs/architecture.md's signal table).

`mirror_advanced(mirror=...)` is sent after a sync stored a new mirrored checkpoint of a peer's
origin (its transaction committed): members are served it from now on, as they are our own
after `checkpoint_published`. member_portal.webhooks announces it to members' endpoints.

`facade_holds(origin_id=..., holds=[FacadeHold, ...], now=...)` is sent by
services.release_holds: each receiver answers the ids among `holds` to keep for now (someone
reading that origin's StopNCII facade may not have been told to drop the value yet).
hashbank.receipts connects to it, as it does to the ledger's `purge_holds`: a value waits until
every active platform that reads the origin's facade applied its removal, or until the maximum
retention (HASHBANK_PURGE_MAX_RETENTION_DAYS) passed. With no receiver nothing is kept.
"""

from __future__ import annotations

import django.dispatch

mirror_advanced = django.dispatch.Signal()
facade_holds = django.dispatch.Signal()
