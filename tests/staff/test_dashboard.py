"""The dashboard shows the bank's figures, as charts with a table of the same numbers."""

from __future__ import annotations

import pytest

from hashbank.staff import dashboard
from tests.fixtures.staff import signed_in

pytestmark = pytest.mark.django_db


def test_figures_count_today(world):
    from member_portal.reports import services as reports

    signal = world.case_signal("pdq").signal
    reports.submit_report(
        member=world.member, signal_type="pdq", value=signal.value, action="removed"
    )
    board = dashboard.build()
    assert board.submissions[-1] == 1 and sum(board.submissions) == 1
    assert board.active_signals == 2
    assert board.reports_by_member == [("acme", [0] * 13 + [1])]
    assert board.open_disputes == 1 and board.overdue_disputes == 0
    assert board.checkpoint_size is not None and board.checkpoint_age.total_seconds() < 60
    (acme,) = board.sync
    assert acme.member.slug == "acme"


def test_page_has_charts_and_tables_without_inline_style(world, make_staff):
    body = signed_in(make_staff("auditor")).get("/staff/").content.decode()
    assert body.count('<svg class="chart"') == 4
    assert body.count("<table>") == 5  # one beside each chart, and members behind on removals
    assert "style=" not in body and "<script>" not in body
    assert "active signals in the feed" in body
