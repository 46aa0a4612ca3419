"""Background jobs on cases."""

from __future__ import annotations

from celery import shared_task

from hashbank.cases import services


@shared_task(name="hashbank.cases.apply_due_withdrawals", ignore_result=True)
def apply_due_withdrawals() -> int:
    """Beat runs this every minute: withdraw the hashes whose cooling-off period
    (HASHBANK_WITHDRAWAL_COOLING_OFF) has ended. Idempotent."""
    return services.apply_due_withdrawals()
