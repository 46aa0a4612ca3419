"""The workload page: what waits for the team (locked cases, disputes by due date, suspended
hashes by age, member sync lag) and who holds it, with a unit on every figure."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
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
            title="Open disputes by due date (disputes)",
            labels=[name for name, _ in board.disputes_due],
            series=[("open disputes", [n for _, n in board.disputes_due])],
            unit="disputes",
        ),
        "suspended_chart": charts.bar_chart(
            title="Suspended hashes by time suspended (hashes)",
            labels=[name for name, _ in board.suspended_ages],
            series=[("suspended hashes", [n for _, n in board.suspended_ages])],
            unit="hashes",
        ),
    }
    return render(request, "staff/workload.html", context)
