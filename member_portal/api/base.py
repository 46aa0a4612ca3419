"""The base of every member API view: Bearer credential, scope, rate limit, `min_wait` hint,
errors always as JSON (even from endpoints that answer in text or binary)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponseBase
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from hashbank.core.errors import DomainError, NotFound
from hashbank.core.numbers import parse_whole
from member_portal.api import error_log
from member_portal.api.authentication import BearerAuthentication, HasScope
from member_portal.api.errors import ApiErrorCode

MIN_WAIT_HEADER = "Hashbank-Min-Wait"
# Every answer here is for one authenticated member: `private` always, so that no shared cache
# (a CDN that ignores `Vary: Authorization`) keeps one and hands it to whoever asks next. Only the
# public tiles under /log/ (hashbank/ledger/views.py) are `public, immutable`.
# Proofs between sealed checkpoints never change:
SEALED = "private, max-age=31536000, immutable"
# Entries pages and snapshots carry values, which a purge empties: revalidated on every use.
PAYLOAD = "private, no-cache"
SHORT_LIVED = "private, max-age=10"


def min_wait_seconds() -> int:
    """How long a member should wait before polling again (the Safe Browsing idea)."""
    return int(getattr(settings, "HASHBANK_MIN_WAIT_SECONDS", 60))


class LenientNegotiation(DefaultContentNegotiation):
    """Never 406: text and binary endpoints answer in their one format whatever Accept says."""

    def select_renderer(self, request, renderers, format_suffix=None):
        try:
            return super().select_renderer(request, renderers, format_suffix)
        except Exception:
            return renderers[0], renderers[0].media_type


def int_param(
    request, name: str, *, required: bool = True, default: int | None = None, minimum: int = 0
) -> int | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        if required:
            raise DomainError(
                f"The query parameter {name!r} is required.", code=ApiErrorCode.MISSING_PARAMETER
            )
        return default
    value = parse_whole(raw)
    if value is None or value < minimum:
        raise DomainError(
            f"{name!r} must be a whole number of at least {minimum}.",
            code=ApiErrorCode.INVALID_PARAMETER,
        )
    return value


def path_id(raw: str, *, code: str) -> int:
    """A numeric path segment; anything else is simply not found (a JSON 404, not Django's page)."""
    value = parse_whole(raw)
    if value is None:
        raise NotFound("Not found.", code=code)
    return value


class MemberAPIView(APIView):
    # A member's request has no session, sign-in or messages: those middlewares pass it by
    # (hashbank/core/browser_middleware.py); the security headers and the rest still apply.
    browser_middleware = False
    authentication_classes = [BearerAuthentication]
    permission_classes = [HasScope]
    renderer_classes = [JSONRenderer]
    content_negotiation_class = LenientNegotiation
    required_scope: str | None = None

    def handle_exception(self, exc):
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = "application/json"
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        member_api_headers(response)
        if response.status_code >= 400:
            _log_error(request, response)
        return response


def member_api_headers(response: HttpResponseBase) -> None:
    """What every member API answer carries (the early refusal's too: api/early_refusal.py)."""
    response[MIN_WAIT_HEADER] = str(min_wait_seconds())
    if "Cache-Control" not in response:
        response["Cache-Control"] = "private, no-store"
    response.setdefault("Vary", "Authorization")


def _log_error(request, response) -> None:
    """Keep a member's error for its portal checklist (member_portal/api/error_log.py)."""
    # `_user`: what authentication settled on, without authenticating again here.
    member = getattr(getattr(request, "_user", None), "member", None)
    match = getattr(request, "resolver_match", None)
    if member is None or match is None:
        return
    error = response.data.get("error") if isinstance(response.data, dict) else None
    code = error.get("code", "") if isinstance(error, dict) else ""
    error_log.record(
        member_id=member.pk,
        method=request.method,
        route=match.route,
        status=response.status_code,
        code=str(code),
    )
