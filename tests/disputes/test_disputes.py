import pytest
from django.contrib.auth import get_user_model

from hashbank.core.errors import Conflict
from hashbank.disputes import selectors, services
from hashbank.disputes.models import Dispute
from hashbank.ledger import services as ledger
from hashbank.signals.models import Signal
from tests.fixtures.values import PDQ_VALUES

DISPUTE = {
    "signal_type": "pdq",
    "value": PDQ_VALUES[1],
    "reason": "not_intimate_imagery",
    "note": "A landscape photo.",
}


@pytest.fixture
def reviewer(db):
    return get_user_model().objects.create_user("reviewer", password="x" * 16, is_staff=True)


def test_member_raises_a_dispute_that_enters_the_review_queue(published, api):
    response = api.post("/api/v1/disputes", DISPUTE, content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "open" and body["decision"] is None
    queue = list(selectors.review_queue())
    assert [d.pk for d in queue] == [body["id"]]
    assert queue[0].due_at > queue[0].created_at


def test_review_queue_is_oldest_first(published, member, other_member):
    first, _ = services.raise_dispute(
        member=member, signal_type="pdq", value=PDQ_VALUES[0], reason="other"
    )
    second, _ = services.raise_dispute(
        member=other_member, signal_type="pdq", value=PDQ_VALUES[1], reason="false_positive"
    )
    assert [d.pk for d in selectors.review_queue()] == [first.pk, second.pk]


def test_upheld_dispute_removes_the_signal_and_the_member_sees_the_outcome(
    published, api, reviewer, settings
):
    settings.HASHBANK_DISPUTE_REVIEWERS = 1  # a small helpline: one reviewer decides
    dispute_id = api.post("/api/v1/disputes", DISPUTE, content_type="application/json").json()["id"]
    dispute = Dispute.objects.get(pk=dispute_id)
    services.uphold(
        dispute=dispute,
        reviewer=reviewer,
        reason_code="not_intimate_imagery",
        reason="Reviewed: not intimate imagery.",
    )
    body = api.get(f"/api/v1/disputes/{dispute_id}").json()
    assert body["status"] == "upheld"
    assert body["decision"]["code"] == "not_intimate_imagery"
    assert body["decision"]["reason"] == "Reviewed: not intimate imagery."
    assert list(selectors.review_queue()) == []
    assert Signal.objects.get(value=PDQ_VALUES[1]).active_holds == 0
    ledger.seal()  # the removal reaches the feed with the next checkpoint
    signal = Signal.objects.get(value=PDQ_VALUES[1])
    assert (signal.state, signal.removal_reason) == ("removed", "dispute_upheld")


def test_rejected_dispute_keeps_the_signal(published, member, reviewer):
    dispute, _ = services.raise_dispute(member=member, **DISPUTE)
    services.reject(dispute=dispute, reviewer=reviewer, reason="It is what was reported.")
    dispute.refresh_from_db()
    assert dispute.status == "rejected"
    assert Signal.objects.get(value=PDQ_VALUES[1]).state == "active"


def test_a_decided_dispute_cannot_be_decided_again(published, member, reviewer):
    dispute, _ = services.raise_dispute(member=member, **DISPUTE)
    services.reject(dispute=dispute, reviewer=reviewer, reason="no")
    with pytest.raises(Conflict):
        services.uphold(dispute=dispute, reviewer=reviewer, reason_code="other", reason="yes")


def test_dispute_retry_with_idempotency_key_creates_one(published, api):
    a = api.post(
        "/api/v1/disputes", DISPUTE, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k1"
    )
    b = api.post(
        "/api/v1/disputes", DISPUTE, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k1"
    )
    assert (a.status_code, b.status_code) == (201, 200)
    assert Dispute.objects.count() == 1


def test_member_never_sees_another_members_disputes(published, api, other_api):
    dispute_id = api.post("/api/v1/disputes", DISPUTE, content_type="application/json").json()["id"]
    assert other_api.get("/api/v1/disputes").json()["disputes"] == []
    assert other_api.get(f"/api/v1/disputes/{dispute_id}").status_code == 404


def test_unknown_reason_is_refused(published, api):
    response = api.post(
        "/api/v1/disputes", {**DISPUTE, "reason": "spam"}, content_type="application/json"
    )
    assert response.status_code == 400


def test_staff_raise_a_dispute_without_a_member(published, reviewer):
    signal = Signal.objects.get(value=PDQ_VALUES[1])
    dispute, created = services.raise_dispute(signal=signal, reason="other", actor=reviewer)
    assert created and dispute.member is None and dispute.raised_by == reviewer
    assert [d.pk for d in selectors.review_queue()] == [dispute.pk]


def test_staff_cannot_raise_a_second_open_dispute_on_a_signal(published, member, reviewer):
    first, _ = services.raise_dispute(member=member, **DISPUTE)
    signal = Signal.objects.get(value=PDQ_VALUES[1])
    with pytest.raises(Conflict) as refused:
        services.raise_dispute(signal=signal, reason="other", actor=reviewer)
    assert refused.value.code == "dispute_open" and str(first.pk) in refused.value.message
    assert Dispute.objects.count() == 1


def test_staff_may_dispute_again_once_the_open_dispute_is_decided(published, member, reviewer):
    first, _ = services.raise_dispute(member=member, **DISPUTE)
    services.reject(dispute=first, reviewer=reviewer, reason="It is what was reported.")
    signal = Signal.objects.get(value=PDQ_VALUES[1])
    second, created = services.raise_dispute(signal=signal, reason="other", actor=reviewer)
    assert created and second.pk != first.pk


def test_members_may_still_dispute_a_signal_staff_disputed(published, member, reviewer):
    signal = Signal.objects.get(value=PDQ_VALUES[1])
    services.raise_dispute(signal=signal, reason="other", actor=reviewer)
    _, created = services.raise_dispute(member=member, **DISPUTE)
    assert created and Dispute.objects.count() == 2


def test_staff_raised_dispute_is_not_kept_when_its_audit_entry_fails(
    published, reviewer, monkeypatch
):
    from hashbank.audit import services as audit

    def broken(**kwargs):
        raise RuntimeError("audit log unavailable")

    monkeypatch.setattr(audit, "record_event", broken)
    signal = Signal.objects.get(value=PDQ_VALUES[1])
    with pytest.raises(RuntimeError):
        services.raise_dispute(signal=signal, reason="other", actor=reviewer)
    assert not Dispute.objects.exists()
