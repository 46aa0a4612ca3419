"""The JSON API the victim pages use: submit hashes, read a case's status, withdraw.

Plain Django views (not DRF) so that CsrfViewMiddleware protects them: the page sends the token
in X-CSRFToken. Case number and PIN travel in POST bodies, never in URLs (which end up in logs).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, JsonResponse
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache

from hashbank.cases import pins, selectors, services
from hashbank.cases.errors import CaseErrorCode, InvalidSubmission
from hashbank.core import json_body
from hashbank.core.errors import CoreErrorCode, DomainError
from hashbank.core.http_errors import error_response
from hashbank.submissions import throttle
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
    return services.authenticate_case(number=number, pin=pin)


def status_payload(case) -> dict[str, Any]:
    return {
        "case_number": pins.format_case_number(case.number),
        "hashes": [
            {"id": item.id, "type": item.signal_type, "status": item.status}
            for item in selectors.case_status(case)
        ],
    }


@_json_view
def submit(request: HttpRequest) -> JsonResponse:
    """POST /api/v1/submissions {hashes: [{type, value, quality?}], attestations: {...}}."""
    throttle.check_submission(request)
    body = json_body.read_object(request, allowed={"hashes", "attestations"})
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
    """POST /api/v1/cases/withdraw {case_number, pin, hashes: [id, ...] | "all"}."""
    throttle.check_pin(request)
    body = json_body.read_object(request, allowed={"case_number", "pin", "hashes"})
    wanted = body.get("hashes")
    if wanted != "all" and not (
        isinstance(wanted, list)
        and 0 < len(wanted) <= services.MAX_HASHES_PER_CASE
        and all(type(item) is int for item in wanted)
    ):
        raise InvalidSubmission(
            'Send hashes as a list of ids or "all".', code=SubmissionErrorCode.INVALID_HASH_IDS
        )
    case = _authenticate(request, body)
    services.withdraw(case=case, case_signal_ids=None if wanted == "all" else wanted)
    return JsonResponse(status_payload(case))
