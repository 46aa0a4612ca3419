"""Celery tasks for webhooks; they only call services and are safe to run twice."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from member_portal.webhooks import services

MAX_ATTEMPTS = 8


def backoff_seconds(retries: int) -> int:
    """Exponential: base, 2*base, 4*base, ... (base 30 s: the last retry is about an hour later)."""
    base = int(getattr(settings, "HASHBANK_WEBHOOK_BACKOFF_SECONDS", 30))
    return base * (2**retries)


@shared_task(bind=True, name="member_portal.webhooks.deliver_webhook", max_retries=MAX_ATTEMPTS - 1)
def deliver_webhook(self, delivery_id: int) -> bool:
    if services.deliver(delivery_id=delivery_id):
        return True
    # In-process (embedded) mode there is no worker to wait on: one attempt, then it is logged.
    if self.request.is_eager or self.request.retries >= self.max_retries:
        services.give_up(delivery_id=delivery_id)
        return False
    raise self.retry(countdown=backoff_seconds(self.request.retries))
