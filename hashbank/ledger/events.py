"""What the ledger tells the rest of the bank, as Django signals (so it imports none of it).

`checkpoint_sealed(checkpoint=..., resigned=...)` is sent after the transaction that wrote a new
checkpoint (or re-signed the latest one) commits; hashbank.publishing connects to it to have the
witnesses cosign it when a witness policy is set.

`checkpoint_published(checkpoint=..., resigned=...)` is sent after the transaction that published
a checkpoint (services.publish, or the seal itself without a policy) commits: from then on members
are shown it. The member apps connect to it in their AppConfig.ready() (webhooks notify members of
a new size; `resigned` is true when only the signature of the same tree is new).

`purge_holds(signals=[...], now=...)` is sent by services.purge_removed before it purges: each
receiver answers the set of signal ids among `signals` that must be kept for now (who still needs
the value). hashbank.receipts connects to it: a value waits until every active member applied its
removal, or until the maximum retention (HASHBANK_PURGE_MAX_RETENTION_DAYS) passed.
"""

from __future__ import annotations

import django.dispatch

checkpoint_sealed = django.dispatch.Signal()
checkpoint_published = django.dispatch.Signal()
purge_holds = django.dispatch.Signal()
