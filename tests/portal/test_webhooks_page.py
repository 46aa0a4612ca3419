from member_portal.webhooks import services
from member_portal.webhooks.models import WebhookEndpoint


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
