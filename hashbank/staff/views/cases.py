"""Cases: read one case's signals, timeline and notes, and act on it (finding cases:
case_list.py). Every change
goes through hashbank.cases.services (which go through signals.services to the ledger)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hashbank.audit.services import record_event
from hashbank.cases import selectors as case_selectors
from hashbank.cases import services as case_services
from hashbank.cases.models import CaseSignal
from hashbank.cases.pins import format_case_number, format_pin
from hashbank.core import json_body
from hashbank.core.errors import DomainError, NotFound
from hashbank.core.http_errors import error_response
from hashbank.disputes.models import Dispute
from hashbank.receipts import selectors as receipts
from hashbank.staff import selectors, timeline
from hashbank.staff import services as staff_services
from hashbank.staff.access import staff_required
from hashbank.staff.errors import StaffErrorCode


def _case_or_404(case_id: int):
    # Case pages are addressed by the case's row id, never its number: the number is half of
    # the person's credential, and URLs end up in access logs, browser history and proxies.
    case = case_selectors.case_by_id(case_id)
    if case is None:
        raise NotFound(_("No such case."), code=StaffErrorCode.UNKNOWN_CASE)
    return case


@require_GET
@staff_required("staff.view_cases")
def detail(request: HttpRequest, case_id: int) -> HttpResponse:
    try:
        case = _case_or_404(case_id)
    except NotFound:
        return render(
            request,
            "staff/cases_list.html",
            {"nav": "cases", "error": _("No such case.")},
            status=404,
        )
    rows = selectors.case_signal_rows(case)
    context = {
        # Per hash: which platforms applied its add and its removal, and when (hashbank.receipts).
        "applied": [(row, receipts.members_applied(row.signal)) for row in rows],
        "nav": "cases",
        "case": case,
        "display_number": format_case_number(case.number),
        "rows": rows,
        "possession_check": case.possession_checks.order_by("-created_at").first(),
        "waiting_withdrawals": sum(1 for row in rows if row.case_signal.withdrawal_due_at),
        "timeline": timeline.case_timeline(case, rows),
        "notes": case.notes.select_related("author").order_by("created_at"),
        "dispute_reasons": Dispute.Reason.choices,
        "dispute_note_max": Dispute.NOTE_MAX_LENGTH,
        "assignable": selectors.assignable_staff()
        if request.user.has_perm("staff.assign_case")
        else [],
    }
    return render(request, "staff/case_detail.html", context)


def _act(request: HttpRequest, case_id: int, action, done: str) -> HttpResponse:
    """Run one action on a case; domain refusals come back as a message on the case page."""
    try:
        case = _case_or_404(case_id)
    except NotFound:
        return render(request, "staff/forbidden.html", {"message": _("No such case.")}, status=404)
    try:
        action(case)
        messages.success(request, done)
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("staff:case", case_id=case.pk)


def _case_signal(case, pk: int):
    return get_object_or_404(CaseSignal, case=case, pk=pk)


@require_GET
@staff_required("staff.view_cases")
def removal_proof(request: HttpRequest, case_id: int, pk: int) -> HttpResponse:
    """The removal's C2SP tlog-proof with the receipts that cover it, to hand to the person or
    anyone who asks (`python -m member_portal.verify proof FILE` checks it offline)."""
    case = get_object_or_404(CaseSignal, case_id=case_id, pk=pk)
    text = receipts.removal_proof(case.signal)
    if text is None:
        return HttpResponse(_("This hash has not been removed from the feed."), status=404)
    record_event(
        actor=request.user, action="case.removal_proof_downloaded", target=f"case-signal {pk}"
    )
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="removal-{pk}.tlog-proof"'
    return response


@require_POST
@staff_required("staff.suspend_signal")
def suspend(request: HttpRequest, case_id: int, pk: int) -> HttpResponse:
    reason = request.POST.get("reason", "").strip()[:500]
    return _act(
        request,
        case_id,
        lambda case: case_services.suspend(
            case_signal=_case_signal(case, pk), actor=request.user, reason=reason
        ),
        _("The hash is suspended from the feed while it is reviewed."),
    )


@require_POST
@staff_required("staff.review_signal")
def confirm(request: HttpRequest, case_id: int, pk: int) -> HttpResponse:
    return _act(
        request,
        case_id,
        lambda case: case_services.review_signal(
            case_signal=_case_signal(case, pk), actor=request.user, confirmed=True
        ),
        _("The hash is confirmed: members are told with the next checkpoint."),
    )


@require_POST
@staff_required("staff.review_signal")
def unconfirm(request: HttpRequest, case_id: int, pk: int) -> HttpResponse:
    return _act(
        request,
        case_id,
        lambda case: case_services.review_signal(
            case_signal=_case_signal(case, pk), actor=request.user, confirmed=False
        ),
        _("The hash is unreviewed again: members are told with the next checkpoint."),
    )


@require_POST
@staff_required("staff.restore_signal")
def restore(request: HttpRequest, case_id: int, pk: int) -> HttpResponse:
    return _act(
        request,
        case_id,
        lambda case: case_services.restore(case_signal=_case_signal(case, pk), actor=request.user),
        _("The hash is back in the feed."),
    )


@require_POST
@staff_required("staff.withdraw_signal")
def withdraw(request: HttpRequest, case_id: int, pk: int) -> HttpResponse:
    reason = request.POST.get("reason", "").strip()[:500]
    return _act(
        request,
        case_id,
        lambda case: case_services.withdraw(
            case=case,
            case_signal_ids=[_case_signal(case, pk).pk],
            actor=request.user,
            reason=reason,
        ),
        _("The hash is withdrawn; it leaves the feed at the next checkpoint."),
    )


@require_POST
@staff_required("staff.withdraw_signal")
def withdraw_all(request: HttpRequest, case_id: int) -> HttpResponse:
    """Every hash of the case withdrawn for the person, after one confirmation."""
    reason = request.POST.get("reason", "").strip()[:500]
    return _act(
        request,
        case_id,
        lambda case: case_services.withdraw(case=case, actor=request.user, reason=reason),
        _("Every hash is withdrawn; they leave the feed at the next checkpoint."),
    )


@require_POST
@staff_required("staff.withdraw_signal")
def expedite_withdrawal(request: HttpRequest, case_id: int) -> HttpResponse:
    """The person's waiting withdrawals take effect now, after checking who is asking."""
    reason = request.POST.get("reason", "").strip()[:500]
    return _act(
        request,
        case_id,
        lambda case: case_services.expedite_withdrawal(
            case=case, actor=request.user, reason=reason
        ),
        _("The waiting withdrawals took effect; they leave the feed at the next checkpoint."),
    )


@require_POST
@staff_required("staff.suspend_signal")
def suspend_all(request: HttpRequest, case_id: int) -> HttpResponse:
    """Every active hash of the case suspended while it is reviewed, after one confirmation."""
    reason = request.POST.get("reason", "").strip()[:500]
    return _act(
        request,
        case_id,
        lambda case: case_services.suspend_all(case=case, actor=request.user, reason=reason),
        _("Every active hash is suspended from the feed while the case is reviewed."),
    )


@require_POST
@staff_required("staff.raise_dispute")
def raise_dispute(request: HttpRequest, case_id: int, pk: int) -> HttpResponse:
    """Staff question a hash: a dispute joins members' disputes in the review queue."""
    try:
        case = _case_or_404(case_id)
    except NotFound:
        return render(request, "staff/forbidden.html", {"message": _("No such case.")}, status=404)
    try:
        dispute = staff_services.raise_dispute(
            case=case,
            case_signal_id=pk,
            actor=request.user,
            reason=request.POST.get("reason", ""),
            note=request.POST.get("note", ""),
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Dispute %(id)s raised: it waits in the review queue for a decision.")
            % {"id": dispute.pk},
        )
    return redirect("staff:case", case_id=case.pk)


@require_POST
@staff_required("staff.unlock_case")
def unlock(request: HttpRequest, case_id: int) -> HttpResponse:
    return _act(
        request,
        case_id,
        lambda case: case_services.unlock_case(case=case, actor=request.user),
        _("The case is unlocked; the person can use their PIN again."),
    )


@require_POST
@staff_required("staff.unlock_case")
def start_possession_check(request: HttpRequest, case_id: int) -> HttpResponse:
    """A one-time code for the caller, who proves on the check page, in their own browser, that
    they hold one of the case's images; shown once."""
    try:
        case = _case_or_404(case_id)
    except NotFound:
        return render(request, "staff/forbidden.html", {"message": _("No such case.")}, status=404)
    check, code = case_services.start_possession_check(case=case, actor=request.user)
    return render(
        request,
        "staff/possession_check.html",
        {
            "nav": "cases",
            "case": case,
            "display_number": format_case_number(case.number),
            "code": code,
            "check": check,
            "check_url": request.build_absolute_uri(reverse("possession-check")),
        },
    )


@require_POST
@staff_required("staff.add_case_note")
def add_note(request: HttpRequest, case_id: int) -> HttpResponse:
    return _act(
        request,
        case_id,
        lambda case: case_services.add_note(
            case=case, actor=request.user, text=request.POST.get("text", "")
        ),
        _("Note added."),
    )


def assisted_page_messages() -> dict[str, str]:
    """What staff/assisted.js says, in the reader's language ({name}, {n}, {error} filled in)."""
    return {
        "hashing": _("Hashing {name}…"),
        "heic": _("{name}: this browser cannot read HEIC images; only its MD5 was taken."),
        "failed": _("{name} could not be hashed: {error}"),
        "ready_one": _("{n} fingerprint ready."),
        "ready_other": _("{n} fingerprints ready."),
        "confirm_all": _("The person must confirm all three statements."),
        "busy": _("Wait until every file is hashed."),
        "no_files": _("Choose at least one file."),
        "not_created": _("The case could not be created."),
        "not_created_because": _("The case could not be created: {error}"),
    }


@require_http_methods(["GET", "POST"])
@staff_required("staff.assisted_submission")
def assisted(request: HttpRequest) -> HttpResponse:
    """GET: the page that hashes files on this device. POST (JSON, from staff/assisted.js):
    {hashes, attestations} -> {number, pin, url}; the PIN is shown once, to read to the person."""
    if request.method == "GET":
        return render(
            request,
            "staff/assisted.html",
            {"nav": "assisted", "messages_json": assisted_page_messages()},
        )
    try:
        body = json_body.read_object(request, allowed={"hashes", "attestations"})
        case, pin = case_services.submit_case(
            hashes=body.get("hashes"),
            attestations=body.get("attestations"),
            staff_assisted=True,
            actor=request.user,
        )
    except DomainError as error:
        return error_response(error)
    return JsonResponse(
        {
            "number": format_case_number(case.number),
            "pin": format_pin(pin),
            "url": reverse("staff:case", kwargs={"case_id": case.pk}),
        },
        status=201,
    )
