"""The workload page: locked cases waiting (longest first, how long), open disputes by due date
(overdue by how long), suspended hashes by age, per caseworker, and members behind the feed in
entries and time. Every figure says its unit; people without case access see no case numbers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from hashbank.cases import services as cases
from hashbank.cases.models import Case, CaseSignal
from hashbank.disputes import services as disputes
from hashbank.disputes.models import Dispute
from hashbank.ledger.models import Checkpoint
from hashbank.staff.workload import duration
from tests.fixtures.staff import signed_in
from tests.fixtures.values import ATTESTED, md5

pytestmark = pytest.mark.django_db


def test_durations_say_their_units():
    assert duration(dt.timedelta(seconds=20)) == "under a minute"
    assert duration(dt.timedelta(minutes=1)) == "1 minute"
    assert duration(dt.timedelta(hours=5, minutes=10)) == "5 hours 10 minutes"
    assert duration(dt.timedelta(days=1, hours=1)) == "1 day 1 hour"
    assert duration(dt.timedelta(days=3)) == "3 days"


def test_workload_page_lists_what_waits_with_units(world, make_staff):
    now = timezone.now()
    cora = make_staff("caseworker", username="cora")
    rita = make_staff("dispute reviewer", username="rita")
    # A locked case, assigned to cora, locked five hours ago.
    Case.objects.filter(pk=world.case.pk).update(locked_at=now - dt.timedelta(hours=5, minutes=2))
    cases.assign(case=world.case, assignee=cora, actor=cora)
    # One of its hashes suspended ten days ago.
    held = world.case_signal("md5")
    cases.suspend(case_signal=held, actor=cora, reason="checking")
    CaseSignal.objects.filter(pk=held.pk).update(changed_at=now - dt.timedelta(days=10))
    # The world's dispute is overdue by a day (target 72 hours).
    Dispute.objects.filter(pk=world.dispute.pk).update(created_at=now - dt.timedelta(days=4))
    other_case, _ = cases.submit_case(hashes=[md5()], attestations=ATTESTED)
    # The member has acknowledged nothing; the feed's first checkpoint is two hours old.
    Checkpoint.objects.update(published_at=now - dt.timedelta(hours=2))
    client = signed_in(make_staff("administrator", username="ada"))
    response = client.get("/staff/workload/")
    assert response.status_code == 200
    board = response.context["board"]
    html = response.content.decode()

    assert board.locked_count == 1 and board.locked[0]["waiting"] == "5 hours 2 minutes"
    assert "1</span> locked case waiting for an unlock" in html
    assert "<td>5 hours 2 minutes</td><td>cora</td>" in html

    assert dict(board.disputes_due)["overdue"] == 1
    assert board.next_due[0]["dispute"].pk == world.dispute.pk
    assert board.next_due[0]["when"].startswith("overdue by 1 day")
    assert "target: decided within 3 days" in html

    assert board.suspended_count == 1 and dict(board.suspended_ages)["7 to 30 days"] == 1
    assert "<td>md5</td><td>10 days</td>" in html

    [row] = [r for r in board.caseworkers if r["name"] == "cora"]
    assert (row["cases"], row["locked"], row["suspended"]) == (1, 1, 1)
    assert rita.get_username() not in [r["name"] for r in board.caseworkers]

    [behind] = board.members_behind
    assert behind["member"] == world.member and behind["for"].startswith("2 hours")
    assert f"<td>{behind['entries']} entries</td><td>2 hours" in html
    assert other_case  # not locked, not suspended: on no list
    assert other_case.number not in html


def test_decisions_this_week_count_per_reviewer(world, make_staff):
    rita = make_staff("dispute reviewer", username="rita")
    disputes.reject(dispute=world.dispute, reviewer=rita, reason="fine")
    client = signed_in(make_staff("administrator", username="ada"))
    board = client.get("/staff/workload/").context["board"]
    assert [(r["name"], r["decided_week"]) for r in board.caseworkers] == [("rita", 1)]


def test_member_managers_see_figures_but_no_case_numbers(world, make_staff):
    Case.objects.filter(pk=world.case.pk).update(locked_at=timezone.now())
    client = signed_in(make_staff("member manager", username="mona"))
    response = client.get("/staff/workload/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "1</span> locked case" in html
    assert world.case.number[2:6] not in html and 'id="locked-table"' not in html


def test_workload_needs_the_dashboard_permission(make_staff, db):
    client = signed_in(make_staff(None, username="nobody"))
    assert client.get("/staff/workload/").status_code == 403
