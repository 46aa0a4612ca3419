"""What a reviewer reads before deciding, and the decided disputes kept searchable.

The dispute page's context (`decision_context`): the disputing member's match reports for the
signal (how many, when, how near, what it did), every earlier dispute of the signal with its
outcome, and the member's description of the content. The decided list: newest decision first,
paged by keyset, filtered by outcome and member; the search box takes a dispute number, a
member's slug or a hash value. A hash value is POSTed, never put in a URL."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from hashbank.core.errors import DomainError
from hashbank.core.numbers import parse_whole
from hashbank.disputes import selectors as disputes
from hashbank.disputes.models import Dispute
from hashbank.signals import selectors as signal_selectors
from hashbank.staff import search
from hashbank.staff.access import staff_required
from member_portal.reports import selectors as reports


def decision_context(dispute: Dispute) -> dict:
    """The extra context review_detail.html's partial reads."""
    return {
        "member_reports": (
            reports.member_reports_for_signal(dispute.member, dispute.signal)
            if dispute.member_id
            else None
        ),
        "earlier_disputes": list(disputes.earlier_disputes(dispute)[:50]),
    }


def _search_filters(text: str) -> tuple[dict, str]:
    """(selector filters, error) for what was typed in the decided list's box."""
    text = text.strip()
    if not text:
        return {}, ""
    number = parse_whole(text.lstrip("#"))
    if number is not None and len(text.lstrip("#")) < 12:
        return {"dispute_id": number}, ""
    try:
        found = search.parse(text)
    except search.SearchError:
        found = None
    if found is not None and found.kind == "hash":
        try:
            hits = signal_selectors.signals_by_value(
                signal_type=found.signal_type, value=found.value, distance=found.distance
            )
        except DomainError as error:
            return {}, error.message
        return {"signal_ids": [pk for pk, _distance in hits]}, ""
    if len(text) <= 64 and all(c.isalnum() or c in "-_" for c in text):
        return {"member_slug": text.lower()}, ""
    return {}, _("Type a dispute number, a member's slug or a hash value.")


@require_http_methods(["GET", "POST"])
@staff_required("staff.view_disputes")
def decided(request: HttpRequest) -> HttpResponse:
    params = request.POST if request.method == "POST" else request.GET
    status = params.get("status", "")
    if status not in (Dispute.Status.UPHELD, Dispute.Status.REJECTED):
        status = ""
    text = params.get("q", "") if request.method == "POST" else ""
    filters, error = _search_filters(text)
    if request.method == "GET" and params.get("member"):
        filters = {"member_slug": params["member"][:64].lower()}
    before = None
    after_pk = parse_whole(params.get("before", ""))
    if after_pk is not None:
        row = Dispute.objects.filter(pk=after_pk, decided_at__isnull=False).first()
        before = (row.decided_at, row.pk) if row else None
    rows = [] if error else disputes.decided_disputes(status=status, before=before, **filters)
    more = len(rows) == disputes.DECIDED_PAGE and request.method == "GET"
    return render(
        request,
        "staff/disputes_decided.html",
        {
            "nav": "disputes",
            "rows": rows,
            "status": status,
            "q": text,
            "member": filters.get("member_slug", "") if request.method == "GET" else "",
            "error": error,
            "next_before": rows[-1].pk if more else None,
        },
        status=400 if error else 200,
    )
