"""Connected in WebhooksConfig.ready(): every newly published checkpoint is announced to members'
endpoints (a re-signed one of the same size is not news), and so is every new checkpoint of an
origin this bank mirrors."""

from __future__ import annotations

from django.db import transaction
from django.dispatch import receiver

from member_portal.ports.ledger import checkpoint_published
from member_portal.ports.origins import mirror_advanced
from member_portal.webhooks import services, tasks


@receiver(checkpoint_published, dispatch_uid="webhooks.deliver_after_publish")
def deliver_after_publish(*, checkpoint, resigned: bool = False, **_kwargs) -> None:
    if resigned:
        return
    with transaction.atomic():
        queued = services.notify_new_checkpoint(checkpoint)
        for pk in queued:
            transaction.on_commit(lambda pk=pk: tasks.deliver_webhook.delay(pk))


@receiver(mirror_advanced, dispatch_uid="webhooks.deliver_after_mirror")
def deliver_after_mirror(*, mirror, **_kwargs) -> None:
    with transaction.atomic():
        queued = services.notify_mirrored_checkpoint(
            origin=mirror.origin,
            origin_id=mirror.origin_id,
            size=mirror.size,
            note=mirror.checkpoint_note,
        )
        for pk in queued:
            transaction.on_commit(lambda pk=pk: tasks.deliver_webhook.delay(pk))
