"""A real Celery worker retries a failed delivery with backoff until the member answers."""

from types import SimpleNamespace

import pytest

from member_portal.members import services as members
from member_portal.webhooks import receivers, services
from member_portal.webhooks.models import WebhookDelivery
from member_portal.webhooks.tasks import deliver_webhook


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_worker_retries_failed_delivery_with_backoff(celery_worker_redis, receiver, monkeypatch):
    # The worker's backoff is 1 s, 2 s, ... (tests/fixtures/worker.py). A retry keeps its task's
    # id, so the result of the one queued task is ready only after the last attempt.
    queued = []
    send = deliver_webhook.delay
    monkeypatch.setattr(deliver_webhook, "delay", lambda *args: queued.append(send(*args)))
    member = members.create_member(slug="acme", name="Acme")
    services.add_endpoint(member=member, url=receiver.url)
    receiver.statuses = [503, 500]
    receivers.deliver_after_publish(checkpoint=SimpleNamespace(size=7, note="n\n7\nx\n\n— k s\n"))
    assert receiver.event.wait(30), "the delivery never succeeded"
    (result,) = queued
    result.get(timeout=30)
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "delivered"
    assert delivery.attempts == 3
    assert len(receiver.requests) == 3
