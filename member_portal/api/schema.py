"""Shared pieces of the OpenAPI description: the one error shape, listed on every endpoint."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers

ErrorBody = inline_serializer(
    "Error",
    {
        "error": inline_serializer(
            "ErrorDetail",
            {
                "code": serializers.CharField(help_text="stable, machine-readable"),
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
