"""Domain errors and the registry of their codes.

Every API error has the shape {"error": {"code": "...", "message": "..."}} with a 4xx status, so
that member platforms and the victim form can act on the stable code and show the message. The
code is declared once, as a member of an app's `ErrorCode` enum in `<app>/errors.py`; raise
sites name the member, never a free string, so `registered_codes()` lists every code there is.

Pure: standard library only. Services, pure cores (the offline hasher's document, the signal
types) raise these without importing Django or DRF; `hashbank.core.http_errors` turns them into
responses.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class Surface(StrEnum):
    """Where a code can be answered. The docs that must explain it follow from this (see
    tests/core/test_error_codes.py)."""

    # Under /api/v1/ and /api/stopncii/v1/ for member platforms: docs/member-guide.md's error
    # table and the OpenAPI description.
    MEMBER_API = "member_api"
    # Under /api/v1/submissions and /api/v1/cases/ for the victim pages: docs/submissions.md.
    SUBMISSION_API = "submission_api"
    # Only on staff console and portal pages, the no-JavaScript form or management commands.
    INTERNAL = "internal"


_REGISTRY: list[type[ErrorCode]] = []


class ErrorCode(StrEnum):
    """The base of each app's code enum. A member is `NAME = "wire_code", Surface..., ...`: its
    value is the string on the wire, and it names every surface that can answer it, so that a new
    code cannot be added without saying who must be told about it."""

    surfaces: frozenset[Surface]

    def __new__(cls, value: str, *surfaces: Surface) -> ErrorCode:
        if not surfaces or not all(isinstance(s, Surface) for s in surfaces):
            raise TypeError(f"error code {value!r}: name the Surface(s) that can answer it")
        if Surface.INTERNAL in surfaces and len(surfaces) > 1:
            raise TypeError(f"error code {value!r}: INTERNAL excludes the API surfaces")
        member = str.__new__(cls, value)
        member._value_ = value
        member.surfaces = frozenset(surfaces)
        return member

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        _REGISTRY.append(cls)


def registered_enums() -> list[type[ErrorCode]]:
    """Every app's code enum imported so far (import the apps' `errors` modules first)."""
    return list(_REGISTRY)


def registered_codes(surface: Surface | None = None) -> set[str]:
    """The wire codes of every registered enum, or only those answered on `surface`."""
    return {
        member.value
        for enum in _REGISTRY
        for member in enum
        if surface is None or surface in member.surfaces
    }


# Short names for the apps' declarations: `NOT_FOUND = "not_found", MEMBER_API, SUBMISSION_API`.
MEMBER_API, SUBMISSION_API, INTERNAL = Surface.MEMBER_API, Surface.SUBMISSION_API, Surface.INTERNAL


class CoreErrorCode(ErrorCode):
    """The base classes' defaults, DRF's own errors (see http_errors) and the 404/500 pages."""

    INVALID_REQUEST = "invalid_request", MEMBER_API
    NOT_FOUND = "not_found", MEMBER_API, SUBMISSION_API
    CONFLICT = "conflict", MEMBER_API
    PERMISSION_DENIED = "permission_denied", MEMBER_API
    RATE_LIMITED = "rate_limited", MEMBER_API, SUBMISSION_API
    NOT_AUTHENTICATED = "not_authenticated", MEMBER_API
    AUTHENTICATION_FAILED = "authentication_failed", MEMBER_API
    METHOD_NOT_ALLOWED = "method_not_allowed", MEMBER_API, SUBMISSION_API
    NOT_ACCEPTABLE = "not_acceptable", MEMBER_API
    # DRF's, and hashbank.core.middleware.NoUploadMiddleware's answer to any multipart body.
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type", MEMBER_API, SUBMISSION_API
    MALFORMED_JSON = "malformed_json", MEMBER_API, SUBMISSION_API
    # hashbank.core.strict_json: a field named twice in one JSON object.
    DUPLICATE_FIELD = "duplicate_field", MEMBER_API, SUBMISSION_API
    SERVER_ERROR = "server_error", MEMBER_API, SUBMISSION_API
    # hashbank.core.idempotency (reports and disputes from members).
    INVALID_IDEMPOTENCY_KEY = "invalid_idempotency_key", MEMBER_API
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused", MEMBER_API
    # hashbank.core.json_body (the victim API and the assisted submission).
    NOT_JSON = "not_json", SUBMISSION_API
    # A Content-Length above the route's cap, refused from the headers (NoUploadMiddleware).
    BODY_TOO_LARGE = "body_too_large", MEMBER_API, SUBMISSION_API
    # Redis (the rate limiter's counters) is unreachable and no safe fallback applies.
    TEMPORARILY_UNAVAILABLE = "temporarily_unavailable", MEMBER_API, SUBMISSION_API
    # NoUploadMiddleware: a body without a Content-Length (chunked) on a victim route.
    LENGTH_REQUIRED = "length_required", SUBMISSION_API
    UNKNOWN_FIELD = "unknown_field", SUBMISSION_API


class DomainError(Exception):
    """A business rule refused the request. Subclasses set a default code and status."""

    code: str = CoreErrorCode.INVALID_REQUEST
    status = 400

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        status: int | None = None,
        detail: Any = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status
        self.detail = detail

    def as_dict(self) -> dict:
        # str() of an ErrorCode is its plain value: the wire carries "not_found", never the enum.
        # str() of the message too: a console-facing service marks it with gettext_lazy, which
        # renders in the reader's language when the error is shown.
        body: dict[str, Any] = {"code": str(self.code), "message": str(self.message)}
        if self.detail is not None:
            body["detail"] = self.detail
        return {"error": body}


class NotFound(DomainError):
    code = CoreErrorCode.NOT_FOUND
    status = 404


class Conflict(DomainError):
    code = CoreErrorCode.CONFLICT
    status = 409


class PermissionDenied(DomainError):
    code = CoreErrorCode.PERMISSION_DENIED
    status = 403


class RateLimited(DomainError):
    """Refused for now; `retry_after` seconds is sent as Retry-After."""

    code = CoreErrorCode.RATE_LIMITED
    status = 429

    def __init__(self, message: str, *, retry_after: int, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class Unavailable(RateLimited):
    """The bank cannot take this request now (a dependency is down, or the global cap on
    submissions is reached): a 503 with Retry-After."""

    code = CoreErrorCode.TEMPORARILY_UNAVAILABLE
    status = 503


def error_body(code: str, message: str, detail: Any = None) -> dict:
    return DomainError(message, code=code, detail=detail).as_dict()
