"""The portal's first-sync checklist: the root document and its fingerprint (the same the bank's
staff read on their keys page, and what `sha256sum` gives for the document as the API serves
it), the credential step and its copyable line, a test webhook that really reaches the member's
endpoint signed, the sync status with its lag in entries and time, and the member's recent API
errors (route and code, never a value)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest
from django.core.cache import cache
from django.utils import timezone

from hashbank.ledger.models import Checkpoint
from member_portal.members import services as members
from member_portal.webhooks import services as webhooks
from member_portal.webhooks import signing
from member_portal.webhooks.models import WebhookDelivery
from tests.fixtures.members import ApiClient
from tests.fixtures.staff import signed_in as staff_signed_in
from tests.webhooks.conftest import receiver  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def test_root_fingerprint_is_the_served_documents_sha256_and_matches_the_keys_page(
    signed_in, published, make_staff
):
    served = ApiClient(members.issue_credential(member=_member(signed_in))[1]).get("/api/v1/roots")
    first = served.json()["roots"][0]
    digest = hashlib.sha256(first.encode()).hexdigest()
    grouped = " ".join(digest[i : i + 4] for i in range(0, 64, 4))
    page = signed_in.get("/portal/first-sync/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'id="root-fingerprint">{grouped}<' in html
    assert "sha256sum root.note" in html and "out of band" in html
    assert "`" not in html  # the lines to copy are plain text, no Markdown backticks
    keys = staff_signed_in(make_staff("administrator", username="ada")).get("/staff/keys/")
    assert grouped in keys.content.decode()


def _member(client):
    return client.get("/portal/first-sync/").wsgi_request.member


def test_credential_step_and_the_copyable_header_line(signed_in, member, published):
    assert "To do: no usable credential." in signed_in.get("/portal/first-sync/").content.decode()
    response = signed_in.post("/portal/credentials/", {"label": "prod", "scopes": ["feed:read"]})
    token = response.context["new_token"]
    html = response.content.decode()
    assert f'value="Authorization: Bearer {token}"' in html and "`" not in html
    assert ApiClient(token).get("/api/v1/checkpoint").status_code == 200
    step = signed_in.get("/portal/first-sync/").content.decode()
    assert "Done: 1 usable credential, used by your client." in step


def test_send_a_test_webhook_reaches_the_endpoint_signed(
    signed_in,
    member,
    published,
    receiver,  # noqa: F811
    django_capture_on_commit_callbacks,
    tasks_in_process,
):
    endpoint = webhooks.add_endpoint(member=member, url=receiver.url)
    _case, checkpoint = published
    for _ in range(2):  # twice: each test is its own delivery
        with django_capture_on_commit_callbacks(execute=True):
            response = signed_in.post(f"/portal/first-sync/webhooks/{endpoint.pk}/test")
        assert response.status_code == 302
    tests = WebhookDelivery.objects.filter(event="webhook.test").order_by("pk")
    assert [d.checkpoint_size for d in tests] == [-1, -2]
    assert [d.status for d in tests] == ["delivered", "delivered"]  # in-process worker
    headers, body = receiver.requests[0]
    assert json.loads(body) == {
        "event": "webhook.test",
        "origin": json.loads(body)["origin"],
        "size": checkpoint.size,
        "checkpoint_url": json.loads(body)["checkpoint_url"],
    }
    assert signing.verify(endpoint.secret, body, headers[signing.HEADER])
    page = signed_in.get("/portal/first-sync/").content.decode()
    assert page.count("<td>delivered</td>") == 2
    # Another member's endpoint is not found.
    other = webhooks.add_endpoint(
        member=members.create_member(slug="globex", name="Globex"), url=receiver.url
    )
    assert signed_in.post(f"/portal/first-sync/webhooks/{other.pk}/test").status_code == 404


def test_sync_step_says_entries_behind_and_for_how_long(signed_in, member, publish):
    _case, first = publish()
    _case, second = publish([("md5", "ab" * 16)])
    members.acknowledge_checkpoint(member=member, size=first.size)
    Checkpoint.objects.filter(pk=second.pk).update(
        published_at=timezone.now() - dt.timedelta(hours=3)
    )
    html = signed_in.get("/portal/first-sync/").content.decode()
    lag = second.size - first.size
    assert f"Behind: {lag} entr" in html and "for 3\xa0hours" in html
    members.acknowledge_checkpoint(member=member, size=second.size)
    html = signed_in.get("/portal/first-sync/").content.decode()
    assert f"Done: you acknowledged the latest checkpoint (size {second.size})" in html


def test_error_log_keeps_route_status_and_code_never_values(signed_in, member, published):
    _credential, token = members.issue_credential(member=member, scopes=["feed:read"])
    api = ApiClient(token)
    assert api.get("/api/v1/disputes/999").status_code == 403  # lacks reports:write
    assert api.get("/api/v1/entries?from=abc").status_code == 400
    ApiClient("hbk_not_a_token").get("/api/v1/checkpoint")  # unattributable: not logged
    page = signed_in.get("/portal/first-sync/")
    errors = page.context["errors"]
    assert [(e["method"], e["status"]) for e in errors] == [("GET", 400), ("GET", 403)]
    assert errors[0]["route"] == "api/v1/entries" and errors[0]["code"] == "invalid_parameter"
    assert errors[1]["code"] == "insufficient_scope"
    assert "999" not in json.dumps([{**e, "at": ""} for e in errors])
    assert "abc" not in page.content.decode()
