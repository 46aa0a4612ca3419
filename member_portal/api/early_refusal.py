"""The member API's early refusal: a client already past its failed-attempt limit is answered at
the front of the middlewares, not through the sessions, locale, CSRF, authentication and DRF.

Issue 17: eight clients sending bad tokens as fast as they could cost the bank about 0.6 ms of
CPU per refusal in the full stack (bench/refusal.py), which cut victim submissions by 14%. The
rules stay those of `members.services.authenticate`, which still decides every request this
middleware lets through:

- only a `Authorization: Bearer <token>` request to a route of a `MemberAPIView` (what
  `BearerAuthentication` authenticates first) is considered, and only when this process has
  already seen its client (IPv4 address, IPv6 /64, or its /48) past the limit in the current
  window (`ratelimit.known_retry_after`, filled by `authenticate`: a count in a fixed window only
  grows until the window ends);
- `services.refusal_for_known_client` then answers exactly the refusal `authenticate` would
  raise there (malformed token, unknown key id, wrong secret: 429 `too_many_failed_attempts`
  "from this address" with the same Retry-After), and lets through everything `authenticate`
  answers otherwise (a genuine token keeps working from such a client; a revoked, expired,
  legacy or suspended one gets its own answer);
- the answer is the one DRF would give: the same JSON bytes, status and headers (DRF's Allow, the
  member API's Cache-Control, Hashbank-Min-Wait and Vary; the locale's, Content-Length and
  X-Frame-Options by running those three middlewares around it; the security headers by the
  middlewares before this one). Django's request log still notes it as before.

What it saves is Redis's round trip, everything after NoUploadMiddleware but those three
middlewares, and (for a key id named again within a second) the credential's read with the
connection's health check: `services.refusal_for_known_client` keeps the rows it read for a second
(`RECENT_CREDENTIAL_SECONDS`). The one difference that can make, for that second: a wrong secret
for a credential revoked (or a member suspended) meanwhile gets this 429 rather than
credential_revoked; a genuine token always goes on to `authenticate`, which reads the row again.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.common import CommonMiddleware
from django.middleware.locale import LocaleMiddleware
from django.urls import Resolver404, resolve
from django.utils.cache import patch_vary_headers
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from hashbank.core.addresses import client_address
from member_portal.api.authentication import BearerAuthentication
from member_portal.api.base import MemberAPIView, member_api_headers
from member_portal.members import services
from member_portal.members.errors import TooManyFailedAttempts

_BEARER = "bearer"


class EarlyRefusalMiddleware:
    """Between NoUploadMiddleware and WhiteNoise in settings.MIDDLEWARE (see the module)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        # The middlewares after this one whose answer headers a refusal carries, in their order.
        self.answer = LocaleMiddleware(CommonMiddleware(XFrameOptionsMiddleware(_answer)))

    def __call__(self, request: HttpRequest) -> HttpResponse:
        header = request.META.get("HTTP_AUTHORIZATION")
        if header:
            refusal = _refusal(request, header)
            if refusal is not None:
                request.early_refusal = refusal
                return self.answer(request)
        return self.get_response(request)


def _refusal(request: HttpRequest, header: str) -> tuple[TooManyFailedAttempts, dict] | None:
    # As DRF's get_authorization_header and BearerAuthentication read it.
    parts = header.encode("iso-8859-1", "replace").split()
    if len(parts) != 2 or parts[0].lower() != _BEARER.encode():
        return None
    try:
        error = services.refusal_for_known_client(
            token=parts[1].decode("latin-1"), ip=client_address(request)
        )
    except (OperationalError, InterfaceError):
        # The view's own attempt meets the same error, which DatabaseUnavailableMiddleware turns
        # into a 503 (it sees only a view's exceptions, not a middleware's).
        return None
    if error is None:
        return None
    try:
        view = resolve(request.path_info).func
    except Resolver404:
        return None
    headers = _view_headers(view)
    return (error, headers) if headers is not None else None


@functools.cache
def _view_headers(view: Callable) -> dict | None:
    """DRF's default response headers of the view behind a route (its Allow), if the route is a
    member API view that authenticates a Bearer token first; else None. Once per route."""
    cls = getattr(view, "cls", None)
    if not (
        isinstance(cls, type)
        and issubclass(cls, MemberAPIView)
        and list(cls.authentication_classes[:1]) == [BearerAuthentication]
    ):
        return None
    instance: APIView = cls(**getattr(view, "initkwargs", {}))
    instance.setup(None)  # what as_view's view does before dispatch (a GET view answers HEAD)
    return dict(instance.default_response_headers)


def _answer(request: HttpRequest) -> HttpResponse:
    """The response DRF's exception handler and MemberAPIView.finalize_response give."""
    error, headers = request.early_refusal
    response = HttpResponse(
        JSONRenderer().render(error.as_dict()), content_type="application/json", status=429
    )
    response["Retry-After"] = str(error.retry_after)
    headers = dict(headers)
    vary = headers.pop("Vary", None)
    if vary is not None:
        patch_vary_headers(response, [part.strip() for part in vary.split(",")])
    for key, value in headers.items():
        response[key] = value
    member_api_headers(response)
    return response
