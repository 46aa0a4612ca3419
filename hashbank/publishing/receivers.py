"""Connected in PublishingConfig.ready(): with a witness policy, every sealed or re-signed
checkpoint is sent to the witnesses (the ledger sends `checkpoint_sealed` after its commit)."""

from __future__ import annotations

from django.conf import settings
from django.dispatch import receiver

from hashbank.ledger.events import checkpoint_sealed
from hashbank.publishing import tasks


@receiver(checkpoint_sealed, dispatch_uid="publishing.witness_after_seal")
def witness_after_seal(**_kwargs) -> None:
    if settings.HASHBANK_WITNESS_POLICY:
        tasks.publish_latest.delay()
