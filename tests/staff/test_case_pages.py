"""Caseworkers find a case by number and see its hashes, timeline and notes; their changes go
through the cases services to the ledger."""

from __future__ import annotations

import pytest

from tests.fixtures.staff import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def caseworker(make_staff):
    return signed_in(make_staff("caseworker"))


def test_find_by_number_goes_to_the_case(world, caseworker):
    number = world.case.number
    for typed in (number, number.lower(), f"  {number} "):
        response = caseworker.post("/staff/cases/", {"number": typed})
        assert response.status_code == 302
        assert response["Location"] == f"/staff/cases/{world.case.pk}/"


def test_unknown_number_says_so(db, caseworker):
    response = caseworker.post("/staff/cases/", {"number": "HB-ZZZZ-ZZZZ"})
    assert response.status_code == 404
    assert "No case has that number" in response.content.decode()


def test_case_page_shows_hashes_reports_timeline_and_notes(world, caseworker, make_staff):
    from hashbank.cases import services as cases
    from member_portal.reports import services as reports

    pdq_row = world.case_signal("pdq")
    reports.submit_report(
        member=world.member,
        signal_type="pdq",
        value=pdq_row.signal.value,
        action="blocked_upload",
    )
    author = make_staff("dispute reviewer", username="nora")
    cases.add_note(case=world.case, actor=author, text="Spoke to the person on the phone.")
    body = caseworker.get(f"/staff/cases/{world.case.pk}/").content.decode()
    assert pdq_row.signal.value in body and world.case_signal("md5").signal.value in body
    assert "<td>92</td>" in body  # PDQ quality
    assert "<td>1</td>" in body  # one match report for the PDQ hash
    assert "entered the feed" in body  # sealed: the timeline shows publication
    assert "Spoke to the person on the phone." in body
    assert "Case submitted" in body
    assert "Note added" in body and "nora" in body  # the timeline carries staff actions, in words


def test_suspend_releases_the_hold_through_the_signals_service(world, caseworker):
    row = world.case_signal("pdq")
    caseworker.post(f"/staff/cases/{world.case.pk}/hashes/{row.pk}/suspend/", {"reason": "x"})
    row.refresh_from_db()
    row.signal.refresh_from_db()
    assert row.status == "suspended"
    assert row.signal.active_holds == 0
    from hashbank.ledger import services as ledger

    ledger.seal()
    row.signal.refresh_from_db()
    assert row.signal.state == "removed"


def test_refused_transition_is_explained_not_crashed(world, caseworker):
    row = world.case_signal("pdq")
    response = caseworker.post(
        f"/staff/cases/{world.case.pk}/hashes/{row.pk}/restore/", follow=True
    )
    assert response.status_code == 200
    assert "Only a suspended hash can be restored." in response.content.decode()
