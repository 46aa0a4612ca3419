"""A real Celery worker retries a failed delivery with backoff until the member answers."""

import os
import time
from types import SimpleNamespace

import pytest

# The worker (started by the session fixture, after collection) inherits this: 1 s, 2 s, ...
os.environ.setdefault("HASHBANK_WEBHOOK_BACKOFF_SECONDS", "1")

from member_portal.members import services as members  # noqa: E402
from member_portal.webhooks import receivers, services  # noqa: E402
from member_portal.webhooks.models import WebhookDelivery  # noqa: E402


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_worker_retries_failed_delivery_with_backoff(celery_worker_redis, receiver):
    member = members.create_member(slug="acme", name="Acme")
    services.add_endpoint(member=member, url=receiver.url)
    receiver.statuses = [503, 500]
    receivers.deliver_after_seal(checkpoint=SimpleNamespace(size=7, note="n\n7\nx\n\n— k s\n"))
    assert receiver.event.wait(30), "the delivery never succeeded"
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        delivery = WebhookDelivery.objects.get()
        if delivery.status == "delivered":
            break
        time.sleep(0.2)
    assert delivery.status == "delivered"
    assert delivery.attempts == 3
    assert len(receiver.requests) == 3
