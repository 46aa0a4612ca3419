"""The console's benign list (staff additions, audited) and held-hash queue (publish or reject)."""

from __future__ import annotations

import pytest

from hashbank.audit.models import AuditEntry
from hashbank.benign.models import BenignHash
from hashbank.cases import services as cases
from hashbank.signals.models import Signal
from tests.fixtures.staff import signed_in
from tests.fixtures.values import ATTESTED, random_pdq

pytestmark = pytest.mark.django_db


@pytest.fixture
def caseworker(make_staff):
    return signed_in(make_staff("caseworker", username="cleo"))


def held_case(caseworker):
    value = random_pdq()
    caseworker.post("/staff/benign/", {"signal_type": "pdq", "value": value, "note": "a meme"})
    case, _ = cases.submit_case(
        hashes=[{"type": "pdq", "value": value, "quality": 90}], attestations=ATTESTED
    )
    return case, value


def test_staff_add_a_benign_hash_audited(caseworker):
    value = random_pdq()
    response = caseworker.post("/staff/benign/", {"signal_type": "pdq", "value": value})
    assert response.status_code == 302
    assert BenignHash.objects.get().contributed_by == "staff cleo"
    assert AuditEntry.objects.filter(action="benign.added").count() == 1
    assert value in caseworker.get("/staff/benign/").content.decode()


def test_a_malformed_benign_hash_is_explained(caseworker):
    response = caseworker.post("/staff/benign/", {"signal_type": "pdq", "value": "zz"})
    assert response.status_code == 400
    assert not BenignHash.objects.exists()


def test_the_queue_shows_a_held_hash_and_publishing_puts_it_in_the_feed(signing_key, caseworker):
    case, value = held_case(caseworker)
    body = caseworker.get("/staff/held/").content.decode()
    assert value in body and f"/staff/cases/{case.pk}/" in body
    row = case.case_signals.get()
    response = caseworker.post(f"/staff/held/{row.pk}/", {"decision": "publish"})
    assert response.status_code == 302
    assert Signal.objects.get(value=value).active_holds == 1
    assert "Nothing is held." in caseworker.get("/staff/held/").content.decode()


def test_rejecting_keeps_the_hash_out_of_the_feed(signing_key, caseworker):
    case, value = held_case(caseworker)
    row = case.case_signals.get()
    caseworker.post(f"/staff/held/{row.pk}/", {"decision": "reject"})
    row.refresh_from_db()
    assert row.status == "removed" and Signal.objects.get(value=value).active_holds == 0
    assert AuditEntry.objects.filter(action="case.held_rejected").count() == 1


def test_a_member_manager_sees_neither_page(make_staff):
    manager = signed_in(make_staff("member manager"))
    assert manager.get("/staff/held/").status_code == 403
    assert manager.get("/staff/benign/").status_code == 403
