"""The audit log reads naturally: filtered by the case number as people see it, each entry linked
to its case, dispute or member, and long values wrapped rather than clipped."""

from __future__ import annotations

import pytest

from hashbank.cases import services as cases
from hashbank.cases.pins import format_case_number
from hashbank.disputes import services as disputes
from hashbank.staff.views.audit import natural_target
from member_portal.members import services as members
from tests.fixtures.staff import signed_in
from tests.fixtures.values import ATTESTED, md5

pytestmark = pytest.mark.django_db


@pytest.fixture
def auditor(make_staff):
    return signed_in(make_staff("auditor"))


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("HB-WWZ3-5XBW", "case:HBWWZ35XBW"),
        ("hb wwz3 5xbw", "case:HBWWZ35XBW"),
        ("case:HBWWZ35XBW", "case:HBWWZ35XBW"),
        ("dispute 12", "dispute:12"),
        ("#12", "dispute:12"),
        ("dispute:12", "dispute:12"),
        ("acme", "acme"),
        ("username:alice", "username:alice"),
    ],
)
def test_a_target_is_read_as_people_type_it(typed, stored):
    assert natural_target(typed) == stored


def test_the_log_filters_by_the_displayed_case_number(world, auditor, make_staff):
    nora = make_staff("caseworker", username="nora")
    other, _ = cases.submit_case(hashes=[md5()], attestations=ATTESTED)
    cases.add_note(case=world.case, actor=nora, text="mine")
    cases.add_note(case=other, actor=nora, text="other")
    shown = format_case_number(world.case.number)
    body = auditor.get("/staff/audit/", {"target": shown}).content.decode()
    assert "1 entry" in body
    assert f'href="/staff/cases/{world.case.pk}/"' in body
    assert f"/staff/cases/{other.pk}/" not in body
    assert f'value="{shown}"' in body  # the field keeps what was typed


def test_every_entry_links_to_its_case_dispute_or_member(world, auditor, make_staff):
    rita = make_staff("dispute reviewer", username="rita")
    cases.add_note(case=world.case, actor=rita, text="checked")
    disputes.reject(dispute=world.dispute, reviewer=rita, reason="it is hers")
    members.suspend_member(member=world.member, actor=rita)
    body = auditor.get("/staff/audit/").content.decode()
    assert (
        f'<a href="/staff/cases/{world.case.pk}/">Case {format_case_number(world.case.number)}</a>'
        in body
    )
    assert f'<a href="/staff/review/{world.dispute.pk}/">Dispute {world.dispute.pk}</a>' in body
    assert '<a href="/staff/members/acme/">acme</a>' in body


def test_before_and_after_are_shown_as_wrapped_fields_not_one_clipped_line(
    world, auditor, make_staff
):
    rita = make_staff("dispute reviewer", username="rita")
    row = world.case_signal("md5")
    cases.suspend(case_signal=row, actor=rita, reason="a long reason " * 20)
    body = auditor.get("/staff/audit/").content.decode()
    assert '<table class="audit">' in body and 'class="table-wrap"' not in body
    assert "<dt>reason</dt><dd><code>a long reason" in body
    assert f"<dt>case_signal</dt><dd><code>{row.pk}</code></dd>" in body
