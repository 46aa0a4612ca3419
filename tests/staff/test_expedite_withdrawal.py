"""A caseworker makes the person's waiting withdrawals take effect now, from the case page,
after checking who is asking: audited, told on the timeline, and only by those who may withdraw."""

from __future__ import annotations

import pytest

from hashbank.audit.models import AuditEntry
from hashbank.cases import services
from tests.fixtures.staff import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def one_day(settings):
    settings.HASHBANK_WITHDRAWAL_COOLING_OFF = 86400


@pytest.fixture
def caseworker(make_staff):
    return signed_in(make_staff("caseworker", username="cora"))


def test_the_case_page_shows_the_waiting_withdrawal_and_expedites_it(world, caseworker):
    row = world.case_signal("md5")
    services.request_withdrawal(case=world.case, case_signal_ids=[row.pk])
    page = caseworker.get(f"/staff/cases/{world.case.pk}/").content.decode()
    assert "Waiting withdrawals" in page and "Withdrawal waiting until" in page
    response = caseworker.post(
        f"/staff/cases/{world.case.pk}/expedite-withdrawal/",
        {"reason": "called back on the number in the file"},
        follow=True,
    )
    page = response.content.decode()
    assert "The waiting withdrawals took effect" in page
    assert "the person&#x27;s withdrawal made to take effect now" in page
    assert "Waiting withdrawals" not in page
    row.refresh_from_db()
    assert (row.status, row.withdrawal_due_at) == ("withdrawn", None)
    entry = AuditEntry.objects.get(action="case.withdrawal_expedited")
    assert entry.actor_name == "cora" and entry.target == f"case:{world.case.number}"
    assert entry.after["reason"] == "called back on the number in the file"


def test_expediting_with_nothing_waiting_says_so_and_changes_nothing(world, caseworker):
    response = caseworker.post(f"/staff/cases/{world.case.pk}/expedite-withdrawal/", follow=True)
    assert "No withdrawal of this case is waiting." in response.content.decode()
    assert not AuditEntry.objects.filter(action="case.withdrawal_expedited").exists()


def test_a_role_that_may_not_withdraw_cannot_expedite(world, staff_client):
    client, _ = staff_client("auditor")
    services.request_withdrawal(case=world.case)
    response = client.post(f"/staff/cases/{world.case.pk}/expedite-withdrawal/")
    assert response.status_code == 403
    assert world.case.case_signals.filter(withdrawal_due_at__isnull=False).count() > 0
