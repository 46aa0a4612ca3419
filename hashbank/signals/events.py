"""What the signals app tells the rest of the bank, as Django signals (so it imports none of it).

`changes_queued` is sent inside the transaction that queued changes in the outbox; the ledger
connects to it (ledger.apps) to seal once that transaction commits.
"""

from __future__ import annotations

import django.dispatch

changes_queued = django.dispatch.Signal()
