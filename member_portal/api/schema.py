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


# What every member endpoint can answer before it runs: the credential (section 1 of the member
# guide), its scope and the rate limits.
AUTH_ERRORS: dict[int, tuple[str, ...]] = {
    401: ("not_authenticated", "invalid_credential", "authentication_failed"),
    403: (
        "credential_revoked",
        "credential_expired",
        "ip_not_allowed",
        "credential_refused",
        "member_suspended",
        "insufficient_scope",
        "permission_denied",
    ),
    429: ("rate_limited", "too_many_failed_attempts"),
}
# A JSON body (POST): decoded strictly before the view reads it (hashbank/core/strict_json.py).
BODY_ERRORS: dict[int, tuple[str, ...]] = {
    400: ("malformed_json", "duplicate_field", "invalid_request"),
    413: ("body_too_large",),
    415: ("unsupported_media_type",),
}


def errors(*groups: dict[int, tuple[str, ...]], **by_status: tuple[str, ...]) -> dict:
    """The error responses of one endpoint, by status, each naming the codes it can really
    answer there: the credential's (AUTH_ERRORS) always, then `groups` (BODY_ERRORS for a POST)
    and the endpoint's own, given as `e400=("invalid_range", ...)`. Every code must be a member
    API code (tests/api/test_schema_errors.py)."""
    merged: dict[int, list[str]] = {}
    for group in (AUTH_ERRORS, *groups, {int(k[1:]): v for k, v in by_status.items()}):
        for status, codes in group.items():
            merged.setdefault(status, [])
            merged[status] += [code for code in codes if code not in merged[status]]
    unknown = {code for codes in merged.values() for code in codes} - set(MEMBER_API_CODES)
    if unknown:
        raise ValueError(f"not member API codes: {sorted(unknown)}")
    return {
        (status, "application/json"): _err(
            f"{_ERROR_DESCRIPTIONS.get(status, 'error')}; error.code is one of: "
            + ", ".join(f"`{code}`" for code in merged[status])
        )
        for status in sorted(merged)
    }
