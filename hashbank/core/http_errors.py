"""The one place that turns errors into HTTP responses: domain errors (hashbank.core.errors) and
DRF's own exceptions all become {"error": {"code": "...", "message": "..."}} with their status.

`api_exception_handler` is DRF's EXCEPTION_HANDLER (settings.REST_FRAMEWORK); `error_response`
serves the plain Django views (the victim API, the staff console's JSON endpoints).
"""

from __future__ import annotations

from typing import Any

from django.http import JsonResponse
from django.utils.module_loading import autodiscover_modules
from rest_framework import exceptions as drf_exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_default_handler

from hashbank.core.errors import (
    CoreErrorCode,
    DomainError,
    ErrorCode,
    RateLimited,
    error_body,
    registered_enums,
)


def error_response(error: DomainError) -> JsonResponse:
    response = JsonResponse(error.as_dict(), status=error.status)
    if isinstance(error, RateLimited):
        response["Retry-After"] = str(error.retry_after)
    return response


DRF_CODES: dict[type[drf_exceptions.APIException], CoreErrorCode] = {
    drf_exceptions.NotAuthenticated: CoreErrorCode.NOT_AUTHENTICATED,
    drf_exceptions.AuthenticationFailed: CoreErrorCode.AUTHENTICATION_FAILED,
    drf_exceptions.PermissionDenied: CoreErrorCode.PERMISSION_DENIED,
    drf_exceptions.NotFound: CoreErrorCode.NOT_FOUND,
    drf_exceptions.MethodNotAllowed: CoreErrorCode.METHOD_NOT_ALLOWED,
    drf_exceptions.NotAcceptable: CoreErrorCode.NOT_ACCEPTABLE,
    drf_exceptions.UnsupportedMediaType: CoreErrorCode.UNSUPPORTED_MEDIA_TYPE,
    drf_exceptions.ParseError: CoreErrorCode.MALFORMED_JSON,
    drf_exceptions.Throttled: CoreErrorCode.RATE_LIMITED,
    drf_exceptions.ValidationError: CoreErrorCode.INVALID_REQUEST,
}


def api_exception_handler(exc: Exception, context: dict) -> Response | None:
    """DRF's EXCEPTION_HANDLER: DomainErrors and DRF's own errors become the one JSON shape."""
    if isinstance(exc, DomainError):
        response = Response(exc.as_dict(), status=exc.status)
        if isinstance(exc, RateLimited):
            response["Retry-After"] = str(exc.retry_after)
        return response
    response = drf_default_handler(exc, context)
    if response is None:
        return None
    code = next(
        (c for cls, c in DRF_CODES.items() if isinstance(exc, cls)), CoreErrorCode.INVALID_REQUEST
    )
    if isinstance(exc, drf_exceptions.ValidationError):
        message = "Some fields are missing or malformed; see detail."
        detail: Any = response.data
    else:
        message = str(getattr(exc, "detail", exc))
        detail = None
    response.data = error_body(code, message, detail)
    return response


def discover_error_codes() -> list[type[ErrorCode]]:
    """Every installed app's code enum: imports each `<app>.errors`, so that the registry holds
    all of them, not only those imported so far (the OpenAPI description lists them)."""
    autodiscover_modules("errors")
    return registered_enums()
