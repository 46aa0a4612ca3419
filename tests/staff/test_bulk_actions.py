"""Bulk actions on a case: "withdraw all" and "suspend all", one confirmation each, every hash
audited, through the same services as one hash at a time."""

from __future__ import annotations

import pytest

from hashbank.audit.models import AuditEntry
from hashbank.ledger import services as ledger
from tests.fixtures.staff import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def caseworker(make_staff):
    return signed_in(make_staff("caseworker", username="cora"))


def test_withdraw_all_withdraws_every_hash_and_the_feed_drops_them(world, caseworker):
    response = caseworker.post(
        f"/staff/cases/{world.case.pk}/withdraw-all/", {"reason": "asked by phone"}, follow=True
    )
    assert "Every hash is withdrawn" in response.content.decode()
    rows = list(world.case.case_signals.select_related("signal"))
    assert {row.status for row in rows} == {"withdrawn"}
    entries = AuditEntry.objects.filter(action="case.signal_withdrawn")
    assert sorted(e.after["case_signal"] for e in entries) == sorted(row.pk for row in rows)
    assert {e.after["reason"] for e in entries} == {"asked by phone"}
    ledger.seal()
    for row in rows:
        row.signal.refresh_from_db()
        assert row.signal.state == "removed"


def test_suspend_all_suspends_only_the_active_hashes(world, caseworker):
    md5_row = world.case_signal("md5")
    caseworker.post(f"/staff/cases/{world.case.pk}/hashes/{md5_row.pk}/withdraw/")
    caseworker.post(f"/staff/cases/{world.case.pk}/suspend-all/", {"reason": "checking"})
    statuses = dict(world.case.case_signals.values_list("signal__signal_type", "status"))
    assert statuses == {"pdq": "suspended", "md5": "withdrawn"}
    assert AuditEntry.objects.filter(action="case.signal_suspended").count() == 1


def test_a_bulk_action_with_nothing_to_do_says_so(world, caseworker):
    caseworker.post(f"/staff/cases/{world.case.pk}/withdraw-all/")
    for action in ("withdraw-all", "suspend-all"):
        response = caseworker.post(f"/staff/cases/{world.case.pk}/{action}/", follow=True)
        assert response.status_code == 200
        body = response.content.decode()
        assert "already withdrawn or removed" in body or "No hash of this case is active" in body


def test_each_bulk_action_asks_for_one_confirmation(world, caseworker):
    body = caseworker.get(f"/staff/cases/{world.case.pk}/").content.decode()
    assert 'data-confirm="Withdraw every hash of this case for good?' in body
    assert 'data-confirm="Suspend every active hash of this case' in body
