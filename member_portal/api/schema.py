"""Shared pieces of the OpenAPI description: the one error shape, listed on every endpoint."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers

from hashbank.core.errors import Surface, registered_codes
from hashbank.core.http_errors import discover_error_codes

discover_error_codes()
# Every code a member platform can meet, as the enum of `error.code` (docs/member-guide.md, §6,
# explains each); tests/core/test_error_codes.py checks both lists against the registry.
MEMBER_API_CODES = sorted(registered_codes(Surface.MEMBER_API))

ErrorBody = inline_serializer(
    "Error",
    {
        "error": inline_serializer(
            "ErrorDetail",
            {
                "code": serializers.ChoiceField(
                    choices=MEMBER_API_CODES,
                    help_text="stable, machine-readable; see the member guide's error table",
                ),
                "message": serializers.CharField(),
                "detail": serializers.JSONField(required=False),
            },
        )
    },
)


def _err(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorBody, description=description)


_ERROR_DESCRIPTIONS = {
    400: "malformed request",
    401: "missing or invalid credential",
    403: "scope, address, revocation, expiry or suspended member",
    404: "not found",
    405: "method not allowed",
    406: "not acceptable",
    409: "conflict (e.g. an Idempotency-Key reused with another body)",
    415: "unsupported media type",
    416: "range not satisfiable",
    429: "rate limited; see Retry-After",
}
ERRORS = {(code, "application/json"): _err(text) for code, text in _ERROR_DESCRIPTIONS.items()}
