"""Connected in WebhooksConfig.ready(): every new checkpoint is announced to members' endpoints."""

from __future__ import annotations

from django.db import transaction
from django.dispatch import receiver

from member_portal.ports.ledger import checkpoint_sealed
from member_portal.webhooks import services, tasks


@receiver(checkpoint_sealed, dispatch_uid="webhooks.deliver_after_seal")
def deliver_after_seal(*, checkpoint, **_kwargs) -> None:
    with transaction.atomic():
        queued = services.notify_new_checkpoint(checkpoint)
        for pk in queued:
            transaction.on_commit(lambda pk=pk: tasks.deliver_webhook.delay(pk))
