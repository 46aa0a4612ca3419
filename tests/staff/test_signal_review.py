"""A caseworker confirms a case's hash (its review tier, issue 17) or takes the confirmation back:
audited, and sealed as a tier entry with the basis caseworker_review."""

from __future__ import annotations

import pytest

from hashbank.audit.models import AuditEntry
from hashbank.ledger import services as ledger
from hashbank.ledger.models import Entry
from hashbank.signals.models import Corroboration
from tests.fixtures.staff import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def caseworker(make_staff):
    return signed_in(make_staff("caseworker", username="carla"))


def page(client, world) -> str:
    return client.get(f"/staff/cases/{world.case.pk}/").content.decode()


def test_a_published_hash_shows_as_unreviewed_with_a_confirm_button(world, caseworker):
    body = page(caseworker, world)
    assert "tier-unreviewed" in body and "/confirm/" in body


def test_confirming_a_hash_is_audited_and_sealed_as_a_tier_entry(world, caseworker):
    row = world.case_signal("pdq")
    response = caseworker.post(f"/staff/cases/{world.case.pk}/hashes/{row.pk}/confirm/")
    assert response.status_code == 302
    ledger.seal()
    (tier,) = Entry.objects.filter(kind=Entry.TIER)
    assert tier.signal_id == row.signal_id and bytes(tier.leaf)[3] == 4
    (by,) = Corroboration.objects.values_list("by", flat=True)
    assert by == "staff carla"
    event = AuditEntry.objects.filter(action="case.signal_confirmed").get()
    assert event.actor_name == "carla"
    assert "tier-confirmed" in page(caseworker, world)


def test_taking_a_confirmation_back_appends_an_unreviewed_tier_entry(world, caseworker):
    row = world.case_signal("pdq")
    caseworker.post(f"/staff/cases/{world.case.pk}/hashes/{row.pk}/confirm/")
    ledger.seal()
    caseworker.post(f"/staff/cases/{world.case.pk}/hashes/{row.pk}/unconfirm/")
    ledger.seal()
    assert [bytes(e.leaf)[3] for e in Entry.objects.filter(kind=Entry.TIER).order_by("seq")] == [
        4,
        1,
    ]
    assert AuditEntry.objects.filter(action="case.signal_unconfirmed").count() == 1


def test_a_suspended_hash_cannot_be_confirmed(world, caseworker):
    row = world.case_signal("pdq")
    caseworker.post(f"/staff/cases/{world.case.pk}/hashes/{row.pk}/suspend/", {"reason": "x"})
    response = caseworker.post(
        f"/staff/cases/{world.case.pk}/hashes/{row.pk}/confirm/", follow=True
    )
    assert "Only an active hash has a review tier." in response.content.decode()
    assert not Corroboration.objects.exists()


def test_an_auditor_cannot_confirm(world, make_staff):
    auditor = signed_in(make_staff("auditor"))
    row = world.case_signal("pdq")
    response = auditor.post(f"/staff/cases/{world.case.pk}/hashes/{row.pk}/confirm/")
    assert response.status_code == 403
    assert not Corroboration.objects.exists()
