"""The status page: case number + PIN -> the case's photos and videos, withdrawing them (after a
confirmation and the cooling-off period) and cancelling a waiting withdrawal.

Post/redirect/get: the number and PIN are checked once (POST /status/), which opens a short-lived
view of the case in a signed cookie (`hb_case`: the case's row id and a keyed hash of its PIN
hash, HttpOnly, SameSite=Strict, path /status/, 15 minutes; never the number or PIN), and every
POST answers with a redirect to a GET page. So Back never resubmits a form, and the PIN is not
kept in the page. "Close my case" (and a lock, or another PIN) ends the view.
"""

from __future__ import annotations

from typing import Any

from django.core import signing
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from hashbank.cases import pins, selectors, services
from hashbank.cases.errors import InvalidSubmission
from hashbank.core.errors import DomainError, RateLimited
from hashbank.submissions import throttle
from hashbank.submissions.applied import applied_by_hash
from hashbank.submissions.errors import SubmissionErrorCode
from hashbank.submissions.messages import error_message

COOKIE = "hb_case"
COOKIE_PATH = "/status/"
VIEW_SECONDS = 15 * 60
_SALT = "hashbank.submissions.status"

# What the page says after a redirect (?done=...); translated when shown.
DONE = {
    "scheduled": "",  # the page's scheduled box says it
    "withdrawn": N_("Withdrawn. Platforms will stop matching it after their next update."),
    "nothing": N_("Nothing to withdraw: that was already withdrawn."),
    "cancelled": N_("Withdrawal cancelled. Platforms keep using these fingerprints."),
    "too_late": N_("Nothing to cancel: that withdrawal has already taken effect."),
}


def _pin_tag(case) -> str:
    return salted_hmac(_SALT, case.pin_hash).hexdigest()[:32]


def _open_view(response: HttpResponse, request: HttpRequest, case) -> HttpResponse:
    value = signing.TimestampSigner(salt=_SALT).sign(f"{case.pk}:{_pin_tag(case)}")
    response.set_cookie(
        COOKIE,
        value,
        max_age=VIEW_SECONDS,
        path=COOKIE_PATH,
        secure=request.is_secure(),
        httponly=True,
        samesite="Strict",
    )
    return response


def _viewed_case(request: HttpRequest):
    """The case this browser opened in the last 15 minutes (None: none, expired, locked, or
    its PIN is not the one it was opened with)."""
    raw = request.COOKIES.get(COOKIE, "")
    try:
        value = signing.TimestampSigner(salt=_SALT).unsign(raw, max_age=VIEW_SECONDS)
    except signing.BadSignature:
        return None
    pk, _, tag = value.partition(":")
    case = selectors.case_by_id(int(pk)) if pk.isdigit() else None
    if case is None or case.is_locked or not constant_time_compare(tag, _pin_tag(case)):
        return None
    return case


def _see(url: str) -> HttpResponse:
    """303 See Other: the browser GETs `url`, and Back never resubmits the POST."""
    response = HttpResponseRedirect(url)
    response.status_code = 303
    return response


def _to_case(done: str = "") -> HttpResponse:
    return _see(reverse("status") + (f"?done={done}" if done else ""))


def _to_form() -> HttpResponse:
    """The view is over (expired, closed): back to the form, saying so."""
    return _see(reverse("status") + "?ended=1")


def _cooling_off_text() -> str:
    """The cooling-off period in words ("24 hours"), empty when withdrawals are immediate."""
    seconds = int(services.cooling_off().total_seconds())
    if not seconds:
        return ""
    if seconds >= 3600 and seconds % 3600 == 0:
        hours = seconds // 3600
        return ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}
    minutes = max(1, round(seconds / 60))
    return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}


def _status_context(case, done: str) -> dict[str, Any]:
    items = selectors.case_items(case)
    scheduled = [item for item in items if item.withdrawal_scheduled]
    return {
        "case": case,
        "case_number": pins.format_case_number(case.number),
        "items": items,
        "applied": applied_by_hash(case),
        "notice": _(DONE[done]) if DONE.get(done) else "",
        "scheduled_at": max((i.withdraws_at for i in scheduled), default=None)
        if done == "scheduled"
        else None,
        "scheduled": scheduled,
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
    """GET: the open case's page, or the form. POST: case number + PIN -> opens the case."""
    if request.method == "POST":
        try:
            throttle.check_pin(request)
            case = throttle.authenticate(
                request,
                number=request.POST.get("case_number", ""),
                pin=request.POST.get("pin", ""),
            )
        except DomainError as error:
            return _form_error(request, error)
        return _open_view(_to_case(), request, case)
    case = _viewed_case(request)
    if case is None:
        return render(
            request, "submissions/status_form.html", {"ended": request.GET.get("ended") == "1"}
        )
    return render(
        request, "submissions/status.html", _status_context(case, request.GET.get("done", ""))
    )


@never_cache
@require_POST
def status_close(request: HttpRequest) -> HttpResponse:
    """ "Close my case": the view ends on this device."""
    response = _see(reverse("status"))
    response.delete_cookie(COOKIE, path=COOKIE_PATH, samesite="Strict")
    return response


def _chosen(case, source) -> tuple[list[int] | None, list[Any]]:
    """`item`: a photo's id, or "all". Returns (hash ids, None for all; the items chosen)."""
    items = selectors.case_items(case)
    item = source.get("item", "")
    if item == "all":
        return None, items
    chosen = [found for found in items if found.id == item]
    if not chosen:
        raise InvalidSubmission(
            "Choose what to withdraw.", code=SubmissionErrorCode.INVALID_HASH_IDS
        )
    return chosen[0].hash_ids, chosen


@never_cache
@require_http_methods(["GET", "POST"])
def status_withdraw(request: HttpRequest) -> HttpResponse:
    """GET ?item=<id>|all: what stops working, and when; POST (item, confirm=yes): withdraw,
    after the cooling-off period (HASHBANK_WITHDRAWAL_COOLING_OFF) or at once without one."""
    case = _viewed_case(request)
    if case is None:
        return _to_form()
    source = request.GET if request.method == "GET" else request.POST
    try:
        wanted, chosen = _chosen(case, source)
    except DomainError:
        return _to_case()
    if request.method == "GET" or request.POST.get("confirm") != "yes":
        withdrawable = [item for item in chosen if item.withdrawable]
        return render(
            request,
            "submissions/withdraw_confirm.html",
            {
                "case_number": pins.format_case_number(case.number),
                "chosen": withdrawable,
                "everything": wanted is None,
                "choice": source.get("item", ""),
                "cooling_off": _cooling_off_text(),
                "takes_effect_at": timezone.now() + services.cooling_off(),
            },
        )
    changed = services.request_withdrawal(case=case, case_signal_ids=wanted)
    if any(row.withdrawal_due_at for row in changed):
        return _to_case("scheduled")
    return _to_case("withdrawn" if changed else "nothing")


@never_cache
@require_POST
def status_cancel(request: HttpRequest) -> HttpResponse:
    """Cancel the waiting withdrawal of one photo (`item`) or all (`item` = "all")."""
    case = _viewed_case(request)
    if case is None:
        return _to_form()
    try:
        wanted, _chosen_items = _chosen(case, request.POST)
    except DomainError:
        return _to_case()
    cancelled = services.cancel_withdrawal(case=case, case_signal_ids=wanted)
    return _to_case("cancelled" if cancelled else "too_late")
