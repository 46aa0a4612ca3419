"""The dispute review queue (oldest first, with a target time) and the decision page. Decisions
go through hashbank.disputes.services: upholding removes the signal from the feed."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from hashbank.cases.models import CaseSignal
from hashbank.core.errors import DomainError
from hashbank.disputes import selectors as disputes
from hashbank.disputes import services as dispute_services
from hashbank.disputes.models import Dispute, review_target, reviewers_needed
from hashbank.forwarding import selectors as forwarding
from hashbank.forwarding.models import Forward
from hashbank.staff.access import staff_required
from hashbank.staff.views.dispute_history import decision_context


@require_GET
@staff_required("staff.view_disputes")
def queue(request: HttpRequest) -> HttpResponse:
    open_disputes = list(disputes.review_queue()[:500])
    return render(
        request,
        "staff/review_queue.html",
        {
            "nav": "disputes",
            "disputes": open_disputes,
            "now": timezone.now(),
            "target": review_target(),
        },
    )


@require_GET
@staff_required("staff.view_disputes")
def forwards(request: HttpRequest) -> HttpResponse:
    """Reports and disputes our members sent about other banks' origins, newest first, with where
    each is on its way to the origin bank (hashbank.forwarding)."""
    state = request.GET.get("state", "")
    state = state if state in Forward.State.values else ""
    return render(
        request,
        "staff/forwards.html",
        {
            "nav": "disputes",
            "forwards": forwarding.forwards(state=state or None),
            "states": Forward.State.choices,
            "state": state,
        },
    )


@require_GET
@staff_required("staff.view_disputes")
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    dispute = get_object_or_404(
        Dispute.objects.select_related("member", "raised_by", "signal", "reviewer"), pk=pk
    )
    holders = (
        CaseSignal.objects.filter(signal=dispute.signal)
        .select_related("case")
        .order_by("case__created_at")
    )
    return render(
        request,
        "staff/review_detail.html",
        {
            "nav": "disputes",
            "dispute": dispute,
            "holders": holders,
            "uphold_codes": Dispute.UpholdCode.values,
            "approvals": list(dispute.approvals.select_related("reviewer")),
            "needed": reviewers_needed(),
            "own": dispute.raised_by_id == request.user.pk,
            "approved_by_me": dispute.approvals.filter(reviewer=request.user).exists(),
            **decision_context(dispute),
        },
    )


def _decide(request: HttpRequest, pk: int, decide) -> HttpResponse:
    dispute = get_object_or_404(Dispute, pk=pk)
    reason = request.POST.get("reason", "").strip()
    if not reason:
        messages.error(request, _("Write the reason for the decision."))
        return redirect("staff:review_detail", pk=pk)
    try:
        decide(dispute, reason[:4000])
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("staff:review_detail", pk=pk)
    return redirect("staff:review_queue")


@require_POST
@staff_required("staff.decide_dispute")
def uphold(request: HttpRequest, pk: int) -> HttpResponse:
    def decide(dispute, reason: str) -> None:
        dispute = dispute_services.uphold(
            dispute=dispute,
            reviewer=request.user,
            reason_code=request.POST.get("reason_code", ""),
            reason=reason,
        )
        if dispute.is_open:
            messages.success(
                request,
                _(
                    "Your approval of dispute %(id)s is recorded. A second reviewer must "
                    "uphold it too before the signal leaves the feed."
                )
                % {"id": dispute.pk},
            )
            return
        messages.success(
            request,
            _("Dispute %(id)s upheld: the signal leaves the feed at the next checkpoint.")
            % {"id": dispute.pk},
        )

    return _decide(request, pk, decide)


@require_POST
@staff_required("staff.decide_dispute")
def reject(request: HttpRequest, pk: int) -> HttpResponse:
    def decide(dispute, reason: str) -> None:
        dispute_services.reject(dispute=dispute, reviewer=request.user, reason=reason)
        messages.success(
            request,
            _("Dispute %(id)s rejected: the signal stays in the feed.") % {"id": dispute.pk},
        )

    return _decide(request, pk, decide)
