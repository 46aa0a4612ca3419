"""The victim-facing pages: home, the submission form (and its no-JavaScript path), status, the
information pages (FAQ, privacy, about, participating platforms, cover your tracks), the 500 page.

Pages read top to bottom; rules live in cases.services. Nothing here sets a cookie except the
CSRF token the forms need (and the language switcher's choice, set by Django's set_language).
No page takes a file: the no-JavaScript path takes the offline hasher's text, pasted into a
plain form, and hashbank.core.middleware.NoUploadMiddleware refuses any multipart body unread.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hashbank.cases import pins, selectors, services
from hashbank.cases.errors import InvalidSubmission
from hashbank.core import views as core_views
from hashbank.core.errors import DomainError, RateLimited
from hashbank.core.numbers import parse_whole
from hashbank.hasher.format import parse_hash_file, signals_from_entries
from hashbank.helpline import selectors as helpline
from hashbank.submissions import throttle
from hashbank.submissions.errors import SubmissionErrorCode
from hashbank.submissions.messages import (
    error_message,
    page_messages,
    saved_file_name,
    saved_file_text,
)
from member_portal.members import selectors as members


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "submissions/home.html")


@require_GET
def faq(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "submissions/faq.html",
        {"purge_days": settings.HASHBANK_PURGE_REMOVED_DAYS},
    )


@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "submissions/privacy.html")


@require_GET
def about(request: HttpRequest) -> HttpResponse:
    return render(request, "submissions/about.html")


@require_GET
def platforms(request: HttpRequest) -> HttpResponse:
    """The participating platforms that agreed to be named (read live)."""
    return render(
        request, "submissions/platforms.html", {"platforms": members.publicly_named_members()}
    )


@require_GET
def cover_tracks(request: HttpRequest) -> HttpResponse:
    return render(request, "submissions/cover_tracks.html")


def server_error(request: HttpRequest) -> HttpResponse:
    """The branded 500 page, rendered from settings alone: no database read and no context
    processor, since either may be what failed. Under /api/ it is core's JSON error."""
    if request.path.startswith("/api/"):
        return core_views.server_error(request)
    context = {
        "helpline": helpline.contact_from_settings(),
        "quick_exit_url": helpline.quick_exit_url(get_language()),
    }
    return HttpResponse(loader.get_template("500.html").render(context), status=500)


@never_cache
@ensure_csrf_cookie
@require_GET
def submit_page(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "submissions/submit.html",
        {"messages_json": page_messages(), "status_address": _status_address(request)},
    )


def _status_address(request: HttpRequest) -> str:
    """The status page's full address, for the saved file and the printout."""
    return request.build_absolute_uri(reverse("status"))


def _offline_hashes(text: str) -> list[dict[str, Any]]:
    """The offline hasher's text (its JSON document) -> the hashes submit_case takes (MD5s,
    reliable PDQs), each with its file's position in the document, so that the case groups the
    hashes of one photo into one item."""
    hashes = []
    for file, entry in enumerate(parse_hash_file(text.encode("utf-8"))):
        for signal in signals_from_entries([entry]):
            item = {"type": signal["signal_type"], "value": signal["value"], "file": file}
            if signal["quality"] is not None:
                item["quality"] = signal["quality"]
            hashes.append(item)
    return hashes


def _render_result(request: HttpRequest, case, pin: str) -> HttpResponse:
    number, pin_text = pins.format_case_number(case.number), pins.format_pin(pin)
    address = _status_address(request)
    saved = saved_file_text() % {"number": number, "pin": pin_text, "address": address}
    return render(
        request,
        "submissions/result.html",
        {
            "case_number": number,
            "pin": pin_text,
            "status_address": address,
            "saved_text": saved,
            "saved_name": saved_file_name(),
        },
        status=201,
    )


@never_cache
@require_POST
def offline_submit(request: HttpRequest) -> HttpResponse:
    """The no-JavaScript path: the offline hasher's text, pasted (hashes only), and attest.

    The body is a small urlencoded form; NoUploadMiddleware has already refused anything else.
    """
    try:
        throttle.check_submission(request)
        text = request.POST.get("hashes", "").strip()
        if not text:
            raise InvalidSubmission(
                "Paste the offline hasher's text.", code=SubmissionErrorCode.NO_HASH_TEXT
            )
        attestations = {
            name: request.POST.get(name) == "yes" for name in services.REQUIRED_ATTESTATIONS
        }
        hashes = _offline_hashes(text)
        throttle.check_hashes(request, hashes)
        case, pin = services.submit_case(
            hashes=hashes,
            attestations=attestations,
            language=get_language() or "",
        )
    except DomainError as error:
        return render(
            request,
            "refused.html",
            {"error": error_message(error)},
            status=error.status,
        )
    return _render_result(request, case, pin)


def _cooling_off_text() -> str:
    """The cooling-off period in words ("24 hours"), empty when withdrawals are immediate."""
    seconds = int(services.cooling_off().total_seconds())
    if seconds >= 3600 and seconds % 3600 == 0:
        hours = seconds // 3600
        return ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}
    minutes = max(1, round(seconds / 60)) if seconds else 0
    return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes} if seconds else ""


def _status_context(case, notice: str = "") -> dict[str, Any]:
    hashes = selectors.case_status(case)
    items = selectors.case_items(case, hashes)
    return {
        "case": case,
        "case_number": pins.format_case_number(case.number),
        "items": items,
        "notice": notice,
        "scheduled": [item for item in items if item.withdrawal_scheduled],
        "cooling_off": _cooling_off_text(),
    }


def _form_error(request: HttpRequest, error: DomainError) -> HttpResponse:
    response = render(
        request,
        "submissions/status_form.html",
        {"error": error_message(error), "case_number": request.POST.get("case_number", "")},
        status=error.status,
    )
    if isinstance(error, RateLimited):
        response["Retry-After"] = str(error.retry_after)
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def status_page(request: HttpRequest) -> HttpResponse:
    """Case number + PIN -> each hash's status, with withdrawal buttons (plain forms)."""
    if request.method == "GET":
        return render(request, "submissions/status_form.html")
    try:
        case = _authenticated(request)
    except DomainError as error:
        return _form_error(request, error)
    context = _status_context(case)
    context["pin"] = request.POST.get("pin", "")
    return render(request, "submissions/status.html", context)


def _chosen_hashes(request: HttpRequest, case) -> tuple[list[int] | None, list[Any]]:
    """The form's choice: `item` (a photo's id, or "all"), or `hash` (one hash's id).
    Returns (hash ids, or None for all; the items chosen)."""
    items = selectors.case_items(case)
    item = request.POST.get("item")
    if item == "all" or (item is None and request.POST.get("hash") == "all"):
        return None, items
    if item is not None:
        chosen = [found for found in items if found.id == item]
        if not chosen:
            raise InvalidSubmission(
                "Choose what to withdraw.", code=SubmissionErrorCode.INVALID_HASH_IDS
            )
        return chosen[0].hash_ids, chosen
    hash_id = parse_whole(request.POST.get("hash", ""))
    if hash_id is None:
        raise InvalidSubmission(
            "Choose what to withdraw.", code=SubmissionErrorCode.INVALID_HASH_IDS
        )
    return [hash_id], [found for found in items if hash_id in found.hash_ids]


def _authenticated(request: HttpRequest):
    throttle.check_pin(request)
    return services.authenticate_case(
        number=request.POST.get("case_number", ""), pin=request.POST.get("pin", "")
    )


def _confirm_withdrawal(
    request: HttpRequest, case, chosen: list, *, everything: bool
) -> HttpResponse:
    """Before a withdrawal: what stops working, and when (the confirmation posts `confirm`)."""
    chosen = [item for item in chosen if item.withdrawable]
    return render(
        request,
        "submissions/withdraw_confirm.html",
        {
            "case_number": pins.format_case_number(case.number),
            "pin": request.POST.get("pin", ""),
            "chosen": chosen,
            "everything": everything,
            "choice": "all" if everything else (chosen[0].id if chosen else ""),
            "cooling_off": _cooling_off_text(),
            "takes_effect_at": timezone.now() + services.cooling_off(),
        },
    )


@never_cache
@require_POST
def status_withdraw(request: HttpRequest) -> HttpResponse:
    """Withdraw one hash (`hash` = its id) or all of them (`hash` = "all"): scheduled after the
    cooling-off period (HASHBANK_WITHDRAWAL_COOLING_OFF), or at once without one."""
    try:
        case = _authenticated(request)
        wanted, chosen = _chosen_hashes(request, case)
        if request.POST.get("confirm") != "yes":
            return _confirm_withdrawal(request, case, chosen, everything=wanted is None)
        changed = services.request_withdrawal(case=case, case_signal_ids=wanted)
    except DomainError as error:
        return _form_error(request, error)
    scheduled_at = max(
        (row.withdrawal_due_at for row in changed if row.withdrawal_due_at), default=None
    )
    if scheduled_at is not None:
        notice = ""
    elif changed:
        notice = _("Withdrawn. Platforms will stop matching it after their next update.")
    else:
        notice = _("Nothing to withdraw: that was already withdrawn.")
    context = _status_context(case, notice)
    context["scheduled_at"] = scheduled_at
    context["pin"] = request.POST.get("pin", "")
    return render(request, "submissions/status.html", context)


@never_cache
@require_POST
def status_cancel(request: HttpRequest) -> HttpResponse:
    """Cancel the scheduled withdrawal of one hash (`hash` = its id) or all (`hash` = "all")."""
    try:
        case = _authenticated(request)
        wanted, _chosen = _chosen_hashes(request, case)
        cancelled = services.cancel_withdrawal(case=case, case_signal_ids=wanted)
    except DomainError as error:
        return _form_error(request, error)
    notice = (
        _("Withdrawal cancelled. Platforms keep using these fingerprints.")
        if cancelled
        else _("Nothing to cancel: that withdrawal has already taken effect.")
    )
    context = _status_context(case, notice)
    context["pin"] = request.POST.get("pin", "")
    return render(request, "submissions/status.html", context)
