from types import SimpleNamespace

from member_portal.webhooks import services
from member_portal.webhooks.models import WebhookDelivery, WebhookEndpoint
from tests.webhooks.conftest import receiver  # noqa: F401


def test_member_adds_a_webhook_and_sees_its_secret(signed_in, member):
    response = signed_in.post("/portal/webhooks/", {"url": "https://hooks.acme.example/hb"})
    assert response.status_code == 200
    endpoint = WebhookEndpoint.objects.get(member=member)
    assert endpoint.secret.encode() in response.content


def test_member_cannot_remove_another_members_webhook(signed_in, other_member):
    endpoint = services.add_endpoint(member=other_member, url="https://globex.example/hook")
    assert signed_in.post(f"/portal/webhooks/{endpoint.pk}/remove").status_code == 404
    endpoint.refresh_from_db()
    assert endpoint.is_active


def test_members_see_only_whether_a_delivery_was_delivered_not_what_the_remote_said(
    signed_in,
    member,
    receiver,  # noqa: F811
):
    services.add_endpoint(member=member, url=receiver.url)
    receiver.statuses = [418]
    [delivery_id] = services.notify_new_checkpoint(SimpleNamespace(size=7, note="n"))
    services.deliver(delivery_id=delivery_id)
    WebhookDelivery.objects.filter(pk=delivery_id).update(last_error="ConnectionRefusedError")
    page = signed_in.get("/portal/webhooks/").content.decode()
    assert "pending" in page
    assert "418" not in page and "ConnectionRefusedError" not in page
