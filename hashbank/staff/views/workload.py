"""The workload page: what waits for the team (locked cases, disputes by due date, suspended
hashes by age, member sync lag) and who holds it, with a unit on every figure."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from hashbank.staff import charts, workload
from hashbank.staff.access import staff_required


@require_GET
@staff_required("staff.view_dashboard")
def index(request: HttpRequest) -> HttpResponse:
    board = workload.build()
    context = {
        "nav": "workload",
        "board": board,
        "target": workload.duration(board.target),
        "due_chart": charts.bar_chart(
            title=_("Open disputes by due date (disputes)"),
            labels=[name for name, _n in board.disputes_due],
            series=[(_("open disputes"), [n for _name, n in board.disputes_due])],
            unit=_("disputes"),
        ),
        "suspended_chart": charts.bar_chart(
            title=_("Suspended hashes by time suspended (hashes)"),
            labels=[name for name, _n in board.suspended_ages],
            series=[(_("suspended hashes"), [n for _name, n in board.suspended_ages])],
            unit=_("hashes"),
        ),
    }
    return render(request, "staff/workload.html", context)
