"""Four eyes on removals: whoever raised a dispute cannot decide it, and upholding one (which
removes a person's hash from the feed) needs HASHBANK_DISPUTE_REVIEWERS different reviewers
(default 2; 1 for a small helpline), every approval audited."""

from __future__ import annotations

import pytest

from hashbank.audit.models import AuditEntry
from hashbank.disputes.models import Dispute
from tests.fixtures.staff import signed_in

pytestmark = pytest.mark.django_db

UPHOLD = {"reason_code": "false_positive", "reason": "A different image."}


@pytest.fixture
def rita(make_staff):
    return make_staff("dispute reviewer", username="rita")


@pytest.fixture
def remy(make_staff):
    return make_staff("dispute reviewer", username="remy")


def uphold(client, dispute, **extra):
    return client.post(f"/staff/review/{dispute.pk}/uphold/", {**UPHOLD, **extra}, follow=True)


def test_the_default_needs_two_reviewers_before_the_hash_leaves_the_feed(world, rita, remy):
    row = world.case_signal("pdq")
    first = uphold(signed_in(rita), world.dispute)
    assert "A second reviewer must uphold it too" in first.content.decode()
    world.dispute.refresh_from_db()
    row.refresh_from_db()
    assert world.dispute.status == "open" and row.status == "active"
    approved = AuditEntry.objects.get(action="dispute.uphold_approved")
    assert approved.actor_name == "rita"
    assert approved.after == {"approvals": 1, "needed": 2, "reason_code": "false_positive"}

    page = signed_in(remy).get(f"/staff/review/{world.dispute.pk}/").content.decode()
    assert "1 of 2 reviewers needed" in page and "rita" in page
    uphold(signed_in(remy), world.dispute)
    world.dispute.refresh_from_db()
    row.refresh_from_db()
    assert world.dispute.status == "upheld" and row.status == "removed"
    upheld = AuditEntry.objects.get(action="dispute.upheld")
    assert upheld.after["reviewers"] == ["rita", "remy"] and upheld.after["needed"] == 2


def test_one_reviewer_cannot_be_both_pairs_of_eyes(world, rita):
    client = signed_in(rita)
    uphold(client, world.dispute)
    again = uphold(client, world.dispute)
    assert "You already approved upholding this dispute" in again.content.decode()
    world.dispute.refresh_from_db()
    assert world.dispute.status == "open"
    assert world.dispute.approvals.count() == 1
    page = client.get(f"/staff/review/{world.dispute.pk}/").content.decode()
    assert "A different reviewer makes the decision." in page
    assert "Uphold and remove the signal" not in page


def test_whoever_raised_a_dispute_can_neither_uphold_nor_reject_it(world, make_staff, settings):
    settings.HASHBANK_DISPUTE_REVIEWERS = 1
    admin = make_staff("administrator", username="ada")
    client = signed_in(admin)
    row = world.case_signal("md5")
    client.post(f"/staff/cases/{world.case.pk}/hashes/{row.pk}/dispute/", {"reason": "other"})
    own = Dispute.objects.get(raised_by=admin)
    page = client.get(f"/staff/review/{own.pk}/").content.decode()
    assert "You raised this dispute, so another reviewer decides it." in page
    for action, data in (("uphold", UPHOLD), ("reject", {"reason": "no"})):
        response = client.post(f"/staff/review/{own.pk}/{action}/", data, follow=True)
        assert "You raised this dispute, so another reviewer decides it." in (
            response.content.decode()
        )
    own.refresh_from_db()
    row.refresh_from_db()
    assert own.status == "open" and row.status == "active"
    assert (
        not AuditEntry.objects.filter(action__startswith="dispute.", actor_name="ada")
        .exclude(action="dispute.raised")
        .exists()
    )


def test_a_small_helpline_sets_one_reviewer_and_the_uphold_is_still_audited(world, rita, settings):
    settings.HASHBANK_DISPUTE_REVIEWERS = 1
    uphold(signed_in(rita), world.dispute)
    world.dispute.refresh_from_db()
    assert world.dispute.status == "upheld"
    entry = AuditEntry.objects.get(action="dispute.upheld")
    assert entry.after["reviewers"] == ["rita"] and entry.after["needed"] == 1


def test_rejecting_needs_one_reviewer_even_after_an_approval(world, rita, remy):
    uphold(signed_in(rita), world.dispute)
    signed_in(remy).post(f"/staff/review/{world.dispute.pk}/reject/", {"reason": "It is hers."})
    world.dispute.refresh_from_db()
    assert world.dispute.status == "rejected"
    assert world.case_signal("pdq").status == "active"
