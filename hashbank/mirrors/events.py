"""What the mirrors ask the rest of the bank, as Django signals (so they import none of it).

`facade_holds(origin_id=..., holds=[FacadeHold, ...], now=...)` is sent by
services.release_holds: each receiver answers the ids among `holds` to keep for now (someone
reading that origin's StopNCII facade may not have been told to drop the value yet).
hashbank.receipts connects to it, as it does to the ledger's `purge_holds`: a value waits until
every active platform that reads the origin's facade applied its removal, or until the maximum
retention (HASHBANK_PURGE_MAX_RETENTION_DAYS) passed. With no receiver nothing is kept.
"""

from __future__ import annotations

import django.dispatch

facade_holds = django.dispatch.Signal()
