"""The peer API on the origin bank (docs/peer-api.md): a peer bank forwards its members' match
reports and disputes about our (origin, seq), idempotent by its forwarding id; a forwarded
dispute is reviewed as any other (four eyes included) and the peer reads the outcome back."""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client

from hashbank.disputes import selectors as dispute_selectors
from hashbank.disputes import services as dispute_services
from hashbank.disputes.models import Dispute
from hashbank.ledger.models import Entry
from hashbank.signals.models import Signal
from member_portal.reports.models import MatchReport
from tests.fixtures.values import PDQ_VALUES

ORIGIN = settings.HASHBANK_ORIGIN


def dispute_body(seq: int, **extra) -> dict:
    return {
        "forward_id": "f0rward-0000000000000001",
        "origin": ORIGIN,
        "seq": seq,
        "member": "Platform X (platform-x)",
        "reason": "not_intimate_imagery",
        "note": "A landscape photo.",
        **extra,
    }


def report_body(seq: int, **extra) -> dict:
    return {
        "forward_id": "f0rward-report-000000001",
        "origin": ORIGIN,
        "seq": seq,
        "member": "Platform X (platform-x)",
        "action": "blocked_upload",
        "distance": 3,
        **extra,
    }


def post(client, path: str, body: dict):
    return client.post(path, json.dumps(body), content_type="application/json")


def test_a_forwarded_dispute_enters_the_review_queue_as_from_the_peer_for_its_member(
    peer_api, peer, seq_of
):
    response = post(peer_api, "/peer/v1/disputes", dispute_body(seq_of(PDQ_VALUES[1])))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["forward_id"] == "f0rward-0000000000000001"
    assert body["status"] == "open" and body["decision"] is None
    [queued] = dispute_selectors.review_queue()
    assert queued.pk == body["id"]
    assert queued.member == peer and queued.forwarded_for == "Platform X (platform-x)"
    assert queued.signal.value == PDQ_VALUES[1]


def test_a_retried_forward_makes_one_dispute(peer_api, seq_of):
    body = dispute_body(seq_of(PDQ_VALUES[1]))
    first = post(peer_api, "/peer/v1/disputes", body)
    again = post(peer_api, "/peer/v1/disputes", body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert Dispute.objects.count() == 1


def test_a_forwarding_id_reused_for_another_dispute_is_refused(peer_api, seq_of):
    assert (
        post(peer_api, "/peer/v1/disputes", dispute_body(seq_of(PDQ_VALUES[1]))).status_code == 201
    )
    other = post(peer_api, "/peer/v1/disputes", dispute_body(seq_of(PDQ_VALUES[2])))
    assert other.status_code == 409
    assert other.json()["error"]["code"] == "idempotency_key_reused"
    assert Dispute.objects.count() == 1


def test_two_peers_may_use_the_same_forwarding_id(peer_api, other_peer_api, seq_of):
    body = dispute_body(seq_of(PDQ_VALUES[1]))
    assert post(peer_api, "/peer/v1/disputes", body).status_code == 201
    assert post(other_peer_api, "/peer/v1/disputes", body).status_code == 201
    assert Dispute.objects.count() == 2


def test_an_upheld_forwarded_dispute_needs_four_eyes_removes_the_signal_and_the_peer_reads_it(
    peer_api, seq_of, publish, settings
):
    settings.HASHBANK_DISPUTE_REVIEWERS = 2
    seq = seq_of(PDQ_VALUES[1])
    dispute_id = post(peer_api, "/peer/v1/disputes", dispute_body(seq)).json()["id"]
    users = get_user_model().objects
    first = users.create_user("reviewer-1", password="x" * 16, is_staff=True)
    second = users.create_user("reviewer-2", password="x" * 16, is_staff=True)
    dispute = Dispute.objects.get(pk=dispute_id)
    dispute_services.uphold(
        dispute=dispute, reviewer=first, reason_code="false_positive", reason=""
    )
    outcome = peer_api.get("/peer/v1/disputes/f0rward-0000000000000001").json()
    assert outcome["status"] == "open"  # one approval of two
    dispute_services.uphold(
        dispute=dispute, reviewer=second, reason_code="false_positive", reason="Not her."
    )
    checkpoint = publish.seal()
    outcome = peer_api.get("/peer/v1/disputes/f0rward-0000000000000001").json()
    assert outcome["status"] == "upheld"
    assert outcome["decision"]["code"] == "false_positive"
    assert outcome["decision"]["reason"] == "Not her."
    # The decision is the origin's removal entry, in the next checkpoint.
    signal = Signal.objects.get(value=PDQ_VALUES[1])
    removal = Entry.objects.get(kind=Entry.REMOVE, signal=signal)
    assert seq < removal.seq < checkpoint.size


def test_a_rejected_forwarded_dispute_reads_back_as_rejected(peer_api, seq_of):
    dispute_id = post(peer_api, "/peer/v1/disputes", dispute_body(seq_of(PDQ_VALUES[0]))).json()[
        "id"
    ]
    reviewer = get_user_model().objects.create_user("r", password="x" * 16, is_staff=True)
    dispute_services.reject(
        dispute=Dispute.objects.get(pk=dispute_id), reviewer=reviewer, reason="It is her."
    )
    outcome = peer_api.get("/peer/v1/disputes/f0rward-0000000000000001").json()
    assert outcome["status"] == "rejected" and outcome["decision"]["reason"] == "It is her."
    assert Signal.objects.get(value=PDQ_VALUES[0]).is_active


def test_a_forwarded_report_is_stored_as_from_the_peer_for_its_member(peer_api, peer, seq_of):
    body = report_body(seq_of(PDQ_VALUES[2]))
    response = post(peer_api, "/peer/v1/reports", body)
    assert response.status_code == 201, response.content
    again = post(peer_api, "/peer/v1/reports", body)
    assert again.status_code == 200 and again.json()["id"] == response.json()["id"]
    [report] = MatchReport.objects.all()
    assert report.member == peer and report.source == "peer"
    assert report.forwarded_for == "Platform X (platform-x)"
    assert report.signal.value == PDQ_VALUES[2] and report.distance == 3


def test_the_peer_may_name_the_signal_too_as_a_cross_check(peer_api, seq_of):
    seq = seq_of(PDQ_VALUES[1])
    named = dispute_body(seq, signal_type="pdq", value=PDQ_VALUES[1].upper())
    assert post(peer_api, "/peer/v1/disputes", named).status_code == 201


def test_another_peers_forward_reads_as_unknown(peer_api, other_peer_api, seq_of):
    assert (
        post(peer_api, "/peer/v1/disputes", dispute_body(seq_of(PDQ_VALUES[1]))).status_code == 201
    )
    response = other_peer_api.get("/peer/v1/disputes/f0rward-0000000000000001")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "unknown_forward"


def _state_seq() -> int:
    return Entry.objects.filter(kind=Entry.STATE).order_by("seq").values_list("seq", flat=True)[0]


BAD_DISPUTES = {
    "unknown origin": (
        lambda seq: dispute_body(seq, origin="other.example/hashbank"),
        404,
        "unknown_origin",
    ),
    "unknown origin id": (lambda seq: dispute_body(seq, origin="0" * 64), 404, "unknown_origin"),
    "seq past the published size": (lambda seq: dispute_body(10**6), 404, "unknown_seq"),
    "seq of a state entry": (lambda seq: dispute_body(_state_seq()), 404, "unknown_seq"),
    "negative seq": (lambda seq: dispute_body(-1), 400, "invalid_request"),
    "seq not a number": (lambda seq: dispute_body("7; drop"), 400, "invalid_request"),
    "another signal named": (
        lambda seq: dispute_body(seq, signal_type="pdq", value=PDQ_VALUES[3]),
        409,
        "signal_mismatch",
    ),
    "forward id too short": (lambda seq: dispute_body(seq, forward_id="x"), 400, "invalid_request"),
    "forward id not printable": (
        lambda seq: dispute_body(seq, forward_id="f0rward\n000000001"),
        400,
        "invalid_request",
    ),
    "no member named": (
        lambda seq: {k: v for k, v in dispute_body(seq).items() if k != "member"},
        400,
        "invalid_request",
    ),
    "unknown reason": (lambda seq: dispute_body(seq, reason="spite"), 400, "invalid_request"),
    "note too long": (lambda seq: dispute_body(seq, note="x" * 2001), 400, "invalid_request"),
}


@pytest.mark.parametrize("case", sorted(BAD_DISPUTES))
def test_a_bad_forwarded_dispute_is_refused_with_a_code_and_nothing_is_stored(
    case, peer_api, seq_of
):
    build, status, code = BAD_DISPUTES[case]
    response = post(peer_api, "/peer/v1/disputes", build(seq_of(PDQ_VALUES[1])))
    assert response.status_code == status, response.content
    assert response.json()["error"]["code"] == code
    assert not Dispute.objects.exists()


def test_a_bad_forwarded_report_is_refused_and_nothing_is_stored(peer_api, seq_of):
    response = post(peer_api, "/peer/v1/reports", report_body(10**6))
    assert response.status_code == 404 and response.json()["error"]["code"] == "unknown_seq"
    response = post(peer_api, "/peer/v1/reports", report_body(seq_of(PDQ_VALUES[1]), action="x"))
    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid_request"
    assert not MatchReport.objects.exists()


def test_a_platforms_credential_is_not_a_peers(api, seq_of):
    response = post(api, "/peer/v1/disputes", dispute_body(seq_of(PDQ_VALUES[1])))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "not_a_peer"
    assert api.get("/peer/v1/disputes/f0rward-0000000000000001").status_code == 403
    assert not Dispute.objects.exists()


@pytest.mark.parametrize(
    "authorization, code",
    [
        (None, "not_authenticated"),
        ("Bearer hbk_nosuchkey_nosuchsecret", "invalid_credential"),
        ("Basic YmFuay1iOnNlY3JldA==", "invalid_credential"),
    ],
)
def test_without_a_valid_credential_the_peer_api_answers_401(authorization, code, seq_of):
    headers = {"HTTP_AUTHORIZATION": authorization} if authorization else {}
    response = Client().post(
        "/peer/v1/disputes",
        json.dumps(dispute_body(seq_of(PDQ_VALUES[1]))),
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 401, response.content
    assert response.json()["error"]["code"] == code
    assert not Dispute.objects.exists()


def test_a_huge_body_is_refused_unread(peer_api, seq_of):
    body = dispute_body(seq_of(PDQ_VALUES[1]), note="x" * 40_000)
    response = post(peer_api, "/peer/v1/disputes", body)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "body_too_large"
    huge = peer_api.post("/peer/v1/disputes", b"{" * 3_000_000, content_type="application/json")
    assert huge.status_code == 413 and huge.json()["error"]["code"] == "body_too_large"
    assert not Dispute.objects.exists()


@pytest.mark.parametrize(
    "raw, content_type, code",
    [
        (b"\xff\xfe garbage", "application/json", "malformed_json"),
        (b'{"seq": 1, "seq": 2}', "application/json", "duplicate_field"),
        (b"[]", "application/json", "invalid_request"),
        (b"forward_id=x", "application/x-www-form-urlencoded", "unsupported_media_type"),
    ],
)
def test_garbage_is_refused_with_a_code(raw, content_type, code, peer_api, published):
    response = peer_api.post("/peer/v1/disputes", raw, content_type=content_type)
    assert 400 <= response.status_code < 500, response.content
    assert response.json()["error"]["code"] == code
    assert not Dispute.objects.exists()


def test_a_suspended_peer_is_refused(peer_api, peer, seq_of):
    from member_portal.members import services

    services.suspend_member(member=peer)
    response = post(peer_api, "/peer/v1/disputes", dispute_body(seq_of(PDQ_VALUES[1])))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "member_suspended"
    assert not Dispute.objects.exists()


def test_a_peer_created_with_the_command_is_a_peer_not_a_platform(db):
    from django.core.management import call_command

    from member_portal.members.models import Member
    from member_portal.members.selectors import publicly_named_members

    call_command("createmember", "bank-b", "--name", "Bank B", "--peer")
    member = Member.objects.get(slug="bank-b")
    assert member.is_peer
    member.named_publicly = True
    member.save()
    assert "Bank B" not in publicly_named_members()
