import json
from types import SimpleNamespace

import pytest

from hashbank.ledger.events import checkpoint_published
from member_portal.members import services as members
from member_portal.webhooks import services, signing, tasks
from member_portal.webhooks.models import WebhookDelivery

CHECKPOINT = SimpleNamespace(size=42, note="localhost/hashbank\n42\nAAAA\n\n— key sig\n")


def _send(ids):
    for delivery_id in ids:
        tasks.deliver_webhook.apply(args=[delivery_id])


def test_new_checkpoint_is_posted_with_a_valid_hmac_signature(member, receiver):
    endpoint = services.add_endpoint(member=member, url=receiver.url)
    _send(services.notify_new_checkpoint(CHECKPOINT))
    assert len(receiver.requests) == 1
    headers, body = receiver.requests[0]
    assert signing.verify(endpoint.secret, body, headers[signing.HEADER])
    assert not signing.verify("whsec_other", body, headers[signing.HEADER])
    payload = json.loads(body)
    assert payload["event"] == "checkpoint.new" and payload["size"] == 42
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "delivered" and delivery.attempts == 1


def test_notifying_twice_for_one_checkpoint_sends_once(member, receiver):
    services.add_endpoint(member=member, url=receiver.url)
    _send(services.notify_new_checkpoint(CHECKPOINT))
    _send(services.notify_new_checkpoint(CHECKPOINT))
    assert len(receiver.requests) == 1


def test_a_published_checkpoint_queues_its_delivery_after_commit(
    member, receiver, django_capture_on_commit_callbacks
):
    services.add_endpoint(member=member, url=receiver.url)
    with django_capture_on_commit_callbacks() as callbacks:
        # what every publication announces
        checkpoint_published.send(sender=None, checkpoint=CHECKPOINT, resigned=False)
    assert len(callbacks) == 1
    assert WebhookDelivery.objects.get().checkpoint_size == CHECKPOINT.size


def test_a_re_signed_checkpoint_of_a_size_already_announced_queues_no_delivery(member, receiver):
    services.add_endpoint(member=member, url=receiver.url)
    checkpoint_published.send(sender=None, checkpoint=CHECKPOINT, resigned=True)
    assert not WebhookDelivery.objects.exists()


def test_failed_attempt_is_logged_with_its_status(member, receiver):
    services.add_endpoint(member=member, url=receiver.url)
    receiver.statuses = [500]
    [delivery_id] = services.notify_new_checkpoint(CHECKPOINT)
    assert services.deliver(delivery_id=delivery_id) is False
    delivery = WebhookDelivery.objects.get(pk=delivery_id)
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("pending", 1, 500)
    assert services.deliver(delivery_id=delivery_id) is True
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("delivered", 2)


def test_suspended_member_gets_no_webhooks(member, receiver):
    services.add_endpoint(member=member, url=receiver.url)
    members.suspend_member(member=member)
    assert services.notify_new_checkpoint(CHECKPOINT) == []
    assert receiver.requests == []


def test_backoff_grows_exponentially(settings):
    settings.HASHBANK_WEBHOOK_BACKOFF_SECONDS = 30
    assert [tasks.backoff_seconds(n) for n in range(4)] == [30, 60, 120, 240]


def test_signature_older_than_tolerance_is_refused():
    header = signing.sign("s", b"{}", timestamp=1_000_000)
    assert signing.verify("s", b"{}", header, now=1_000_000 + 10)
    assert not signing.verify("s", b"{}", header, now=1_000_000 + signing.TOLERANCE_SECONDS + 1)


def test_webhook_url_must_be_http_or_https(member):
    from hashbank.core.errors import DomainError

    with pytest.raises(DomainError):
        services.add_endpoint(member=member, url="file:///etc/passwd")
