"""What the ledger tells the rest of the bank, as Django signals (so it imports none of it).

`checkpoint_sealed(checkpoint=...)` is sent after the transaction that wrote a new checkpoint
commits; the member apps connect to it in their AppConfig.ready() (webhooks notify members).
"""

from __future__ import annotations

import django.dispatch

checkpoint_sealed = django.dispatch.Signal()
