"""The ledger's receivers, connected in LedgerConfig.ready(): changes queued in the signals'
outbox are sealed once their transaction commits."""

from __future__ import annotations

from django.db import transaction
from django.dispatch import receiver

from hashbank.ledger import seal_requests, tasks
from hashbank.signals.events import changes_queued


@receiver(changes_queued, dispatch_uid="ledger.seal_after_commit")
def seal_after_commit(**_kwargs) -> None:
    # robust: a failing seal (no key, broker down) must not turn a committed submission into an
    # error; the periodic seal picks the changes up.
    transaction.on_commit(enqueue_seal, robust=True)


def enqueue_seal() -> None:
    if seal_requests.claim():
        tasks.seal_ledger.delay()
