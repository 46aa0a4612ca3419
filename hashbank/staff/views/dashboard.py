"""The dashboard: the bank's health at a glance, charts drawn as inline SVG with tables beside."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from hashbank.receipts import selectors as receipts
from hashbank.staff import charts, dashboard
from hashbank.staff.access import staff_required

# A checkpoint older than this means sealing (or its periodic re-signing) has stalled.
STALE_CHECKPOINT_SECONDS = 15 * 60


@require_GET
@staff_required("staff.view_dashboard")
def index(request: HttpRequest) -> HttpResponse:
    board = dashboard.build()
    labels = board.day_labels
    context = {
        "nav": "dashboard",
        "board": board,
        "submissions_chart": charts.bar_chart(
            title=_("Cases submitted per day, last 14 days"),
            labels=labels,
            series=[(_("cases"), board.submissions)],
        ),
        "reports_chart": charts.bar_chart(
            title=_("Match reports per day by member, last 14 days"),
            labels=labels,
            series=board.reports_by_member or [(_("no reports"), [0] * len(labels))],
            legend=True,
        ),
        "disputes_chart": charts.bar_chart(
            title=_("Open disputes by age"),
            labels=[name for name, _n in board.dispute_age_buckets],
            series=[(_("open disputes"), [n for _name, n in board.dispute_age_buckets])],
        ),
        "lag_chart": charts.bar_chart(
            title=_("Entries each member has not pulled yet"),
            labels=[s.member.slug for s in board.sync],
            series=[(_("entries behind"), [s.pull_lag or 0 for s in board.sync])],
        ),
        "behind_on_removals": receipts.behind_on_removals(),
        "sub_rows": list(zip(labels, board.submissions, strict=True)),
        "report_rows": [
            (label, [values[i] for _slug, values in board.reports_by_member])
            for i, label in enumerate(labels)
        ],
        "checkpoint_stale": board.checkpoint_age is not None
        and board.checkpoint_age.total_seconds() > STALE_CHECKPOINT_SECONDS,
    }
    return render(request, "staff/dashboard.html", context)
