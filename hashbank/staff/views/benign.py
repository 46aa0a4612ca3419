"""The benign list and the held queue (issue 17, poisoning): staff add hashes of lawful, viral
content (audited), and decide the submitted hashes held for being near one: publish (into the
feed) or reject. Changes go through hashbank.benign.services and hashbank.cases.services."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hashbank.benign import selectors, services
from hashbank.cases import services as case_services
from hashbank.cases.models import CaseSignal
from hashbank.core.errors import DomainError
from hashbank.staff.access import staff_required


@require_GET
@staff_required("staff.review_signal")
def held_queue(request: HttpRequest) -> HttpResponse:
    held = selectors.held_queue()
    rows = CaseSignal.objects.filter(pk__in=[h.case_signal_id for h in held]).select_related(
        "signal"
    )
    by_id = {row.pk: row for row in rows}
    items = [(h, by_id.get(h.case_signal_id)) for h in held]
    return render(request, "staff/held_queue.html", {"nav": "held", "items": items})


@require_POST
@staff_required("staff.review_signal")
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_object_or_404(CaseSignal, pk=pk, status=CaseSignal.Status.HELD)
    publish = request.POST.get("decision") == "publish"
    try:
        case_services.decide_held(case_signal=row, actor=request.user, publish=publish)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Published: it enters the feed.") if publish else _("Rejected: never published."),
        )
    return redirect("staff:held_queue")


@require_http_methods(["GET", "POST"])
@staff_required("staff.review_signal")
def benign_list(request: HttpRequest) -> HttpResponse:
    error = ""
    if request.method == "POST":
        try:
            services.contribute(
                signal_type=request.POST.get("signal_type", ""),
                value=request.POST.get("value", ""),
                source="staff",
                contributed_by=f"staff {request.user.get_username()}",
                note=request.POST.get("note", "").strip(),
                actor=request.user,
            )
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(request, _("Added: submissions near it will wait for a caseworker."))
            return redirect("staff:benign")
    return render(
        request,
        "staff/benign.html",
        {"nav": "benign", "items": selectors.benign_list(), "error": error},
        status=400 if error else 200,
    )
