from __future__ import annotations

from celery import shared_task

from hashbank.forwarding import services


@shared_task(name="hashbank.forwarding.deliver_forward", ignore_result=True)
def deliver_forward(forward_pk: int) -> None:
    """Once a forward's transaction committed: deliver it to the origin bank. Idempotent: a
    delivered forward is left alone, and the origin deduplicates by forwarding id."""
    services.deliver(forward_pk)


@shared_task(name="hashbank.forwarding.run_due", ignore_result=True)
def run_due() -> None:
    """Every HASHBANK_FORWARD_SWEEP_SECONDS from beat: retry undelivered forwards whose backoff
    is over and poll undecided disputes for their outcome. Idempotent."""
    services.run_due()
