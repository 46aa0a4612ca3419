from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from hashbank.ledger import services


@shared_task(name="hashbank.ledger.seal_ledger", ignore_result=True)
def seal_ledger() -> int | None:
    """Seal pending changes (repeatedly, for backlogs larger than one batch). Idempotent."""
    return services.seal_backlog()


@shared_task(name="hashbank.ledger.seal_if_pending", ignore_result=True)
def seal_if_pending() -> int | None:
    """Beat runs this every few seconds (HASHBANK_SEAL_SWEEP_SECONDS): seals what a lost seal
    task left in the outbox. One indexed read when the outbox is empty. Idempotent."""
    return services.seal_if_pending()


@shared_task(name="hashbank.ledger.resign_checkpoint", ignore_result=True)
def resign_checkpoint() -> None:
    """Beat runs this every minute: seals stragglers and re-signs a checkpoint older than
    HASHBANK_RESIGN_SECONDS (10 minutes), which with a witness policy the witnesses cosign again,
    so an idle log's freshness is attested by them. Idempotent."""
    services.seal()


@shared_task(name="hashbank.ledger.purge_removed", ignore_result=True)
def purge_removed() -> int:
    """Beat runs this daily: erase the values removed from the feed more than
    HASHBANK_PURGE_REMOVED_DAYS ago (what the FAQ promises people). Idempotent."""
    cutoff = timezone.now() - timedelta(days=settings.HASHBANK_PURGE_REMOVED_DAYS)
    return services.purge_removed(removed_before=cutoff)
