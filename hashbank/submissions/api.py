"""The JSON API the victim pages use: submit hashes, read a case's status, withdraw.

Plain Django views (not DRF) so that CsrfViewMiddleware protects them: the page sends the token
in X-CSRFToken. Case number and PIN travel in POST bodies, never in URLs (which end up in logs).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache

from hashbank.cases import pins, selectors, services
from hashbank.cases.errors import CaseErrorCode, InvalidSubmission
from hashbank.core import json_body
from hashbank.core.errors import CoreErrorCode, DomainError, NotFound
from hashbank.core.http_errors import error_response
from hashbank.submissions import proof, throttle
from hashbank.submissions.applied import applied_by_hash, as_json
from hashbank.submissions.assisted import ASSISTED_SESSION_KEY, forget_code
from hashbank.submissions.errors import SubmissionErrorCode


def _json_view(view):
    """POST only; domain errors become the one JSON error shape; every answer is uncacheable."""

    def wrapper(request: HttpRequest) -> JsonResponse:
        if request.method != "POST":
            response = JsonResponse(
                {"error": {"code": CoreErrorCode.METHOD_NOT_ALLOWED, "message": "Use POST."}},
                status=405,
            )
            response["Allow"] = "POST"
            return response
        try:
            return view(request)
        except DomainError as error:
            return error_response(error)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return never_cache(wrapper)


def _authenticate(request: HttpRequest, body: dict[str, Any]):
    number, pin = body.get("case_number"), body.get("pin")
    if not isinstance(number, str) or not isinstance(pin, str):
        raise InvalidSubmission(
            "Send case_number and pin as strings.", code=SubmissionErrorCode.MISSING_CREDENTIALS
        )
    return throttle.authenticate(request, number=number, pin=pin)


def _instant(when) -> str | None:
    """An instant as the API writes it: ISO 8601 in UTC, to the second, `Z`."""
    if when is None:
        return None
    return when.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def status_payload(case) -> dict[str, Any]:
    applied = applied_by_hash(case)
    return {
        "case_number": pins.format_case_number(case.number),
        "withdrawal_cooling_off_seconds": int(services.cooling_off().total_seconds()),
        "hashes": [
            {
                "id": item.id,
                "type": item.signal_type,
                "status": item.status,
                "withdraws_at": _instant(item.withdraws_at),
                "item": item.item,
                **as_json(applied[item.id], item.status),
            }
            for item in selectors.case_status(case)
        ],
    }


def _hash_ids(body: dict[str, Any], case) -> list[int] | None:
    """`hashes`: a list of ids, or `items`: a list of item ids (the photos'; all their hashes);
    None for "all"; else invalid_hash_ids."""
    if "items" in body and "hashes" not in body:
        return _item_hash_ids(body["items"], case)
    wanted = body.get("hashes")
    if wanted == "all":
        return None
    if not (
        isinstance(wanted, list)
        and 0 < len(wanted) <= services.MAX_HASHES_PER_CASE
        and all(type(item) is int for item in wanted)
    ):
        raise InvalidSubmission(
            'Send hashes as a list of ids or "all".', code=SubmissionErrorCode.INVALID_HASH_IDS
        )
    return wanted


def _check_choice(body: dict[str, Any]) -> None:
    """Before the PIN is checked: exactly one of `hashes` and `items`, well formed."""
    if ("hashes" in body) == ("items" in body):
        raise InvalidSubmission(
            'Send hashes (ids) or items (item ids), or "all".',
            code=SubmissionErrorCode.INVALID_HASH_IDS,
        )
    if "hashes" in body:
        _hash_ids(body, None)
    elif body["items"] != "all" and not (
        isinstance(body["items"], list)
        and 0 < len(body["items"]) <= services.MAX_HASHES_PER_CASE
        and all(isinstance(item, str) for item in body["items"])
    ):
        raise InvalidSubmission(
            'Send items as a list of item ids or "all".', code=SubmissionErrorCode.INVALID_HASH_IDS
        )


def _item_hash_ids(wanted: Any, case) -> list[int] | None:
    if wanted == "all":
        return None
    if not (
        isinstance(wanted, list)
        and 0 < len(wanted) <= services.MAX_HASHES_PER_CASE
        and all(isinstance(item, str) for item in wanted)
    ):
        raise InvalidSubmission(
            'Send items as a list of item ids or "all".', code=SubmissionErrorCode.INVALID_HASH_IDS
        )
    by_id = {item.id: item for item in selectors.case_items(case)}
    if any(item not in by_id for item in wanted):
        raise NotFound("One of those items is not in this case.", code=CaseErrorCode.UNKNOWN_HASH)
    return [pk for item in wanted for pk in by_id[item].hash_ids]


@_json_view
def submit(request: HttpRequest) -> JsonResponse:
    """POST /api/v1/submissions {hashes: [{type, value, quality?}], attestations: {...},
    proof?: {challenge, nonce}} (the proof past a few submissions a day: proof.py)."""
    throttle.check_submission(request)
    body = json_body.read_object(request, allowed={"hashes", "attestations", "proof"})
    proof.require(request, body.get("proof"))  # one hash to check; spent even if refused below
    throttle.check_hashes(request, body.get("hashes"))
    # An assisted submission: the code the person entered on /submit/assisted/ (assisted.py).
    code = request.session.get(ASSISTED_SESSION_KEY)
    try:
        case, pin = services.submit_case(
            hashes=body.get("hashes"),
            attestations=body.get("attestations"),
            language=get_language() or "",
            assisted_code=code,
        )
    except DomainError as error:
        if error.code == CaseErrorCode.ASSISTED_CODE_INVALID:
            forget_code(request)  # sending again creates the case without it
        raise
    if code is not None:
        forget_code(request)
    proof.count(request)
    return JsonResponse(
        {
            "case_number": pins.format_case_number(case.number),
            "pin": pins.format_pin(pin),
        },
        status=201,
    )


@_json_view
def case_status(request: HttpRequest) -> JsonResponse:
    """POST /api/v1/cases/status {case_number, pin}."""
    throttle.check_pin(request)  # before the body is read: a refused request costs no parse
    body = json_body.read_object(request, allowed={"case_number", "pin"})
    case = _authenticate(request, body)
    return JsonResponse(status_payload(case))


@_json_view
def withdraw(request: HttpRequest) -> JsonResponse:
    """POST /api/v1/cases/withdraw {case_number, pin, hashes: [id, ...] | "all"}: scheduled
    after the cooling-off period (each hash's `withdraws_at`), or at once without one."""
    throttle.check_pin(request)
    body = json_body.read_object(request, allowed={"case_number", "pin", "hashes", "items"})
    _check_choice(body)
    case = _authenticate(request, body)
    wanted = _hash_ids(body, case)
    services.request_withdrawal(case=case, case_signal_ids=wanted)
    return JsonResponse(status_payload(case))


@_json_view
def cancel_withdrawal(request: HttpRequest) -> JsonResponse:
    """POST /api/v1/cases/cancel-withdrawal {case_number, pin, hashes: [id, ...] | "all"}."""
    throttle.check_pin(request)
    body = json_body.read_object(request, allowed={"case_number", "pin", "hashes", "items"})
    _check_choice(body)
    case = _authenticate(request, body)
    wanted = _hash_ids(body, case)
    services.cancel_withdrawal(case=case, case_signal_ids=wanted)
    return JsonResponse(status_payload(case))


@_json_view
def possession_check(request: HttpRequest) -> JsonResponse:
    """POST /api/v1/possession-checks {code, md5s: [32 hex, ...]}: the caller's answer to a
    caseworker's possession check, the MD5s computed in their browser. Always the same answer:
    whether it matched is for the caseworker's console only."""
    throttle.check_pin(request)
    body = json_body.read_object(request, allowed={"code", "md5s"})
    code, md5s = body.get("code"), body.get("md5s")
    if not (
        isinstance(code, str)
        and len(code) <= 20
        and isinstance(md5s, list)
        and 0 < len(md5s) <= 10
        and all(isinstance(v, str) and len(v) == 32 for v in md5s)
    ):
        raise InvalidSubmission(
            "Send the code and the MD5s of at most 10 files.",
            code=SubmissionErrorCode.INVALID_CHECK_ANSWER,
        )
    services.answer_possession_check(code=code, md5s=md5s)
    return JsonResponse({"received": True})
