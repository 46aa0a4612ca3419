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
  middlewares before this one). Not one django.request line per refusal: one line per client
  and window (`_announce`), without its address.

What it saves is Redis's round trip, everything after NoUploadMiddleware but those three
middlewares, and (for a key id named again within a second) the credential's read with the
connection's health check: `services.refusal_for_known_client` keeps the rows it read for a second
(`RECENT_CREDENTIAL_SECONDS`). The one difference that can make, for that second: a wrong secret
for a credential revoked (or a member suspended) meanwhile gets this 429 rather than
credential_revoked; a genuine token always goes on to `authenticate`, which reads the row again.

What a refusal still cost after that was mostly Django's handler around the middlewares and
gunicorn's own work: `FrontRefusal` (below), the WSGI layer hashbank/wsgi.py puts in front of
Django's handler, answers from this middleware's first answer without a Django request.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import time
from collections.abc import Callable, Iterable
from typing import NamedTuple

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.common import CommonMiddleware
from django.middleware.locale import LocaleMiddleware
from django.urls import Resolver404, resolve
from django.utils.cache import patch_vary_headers
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from hashbank.core.addresses import client_address, client_address_of
from member_portal.api.authentication import BearerAuthentication
from member_portal.api.base import MemberAPIView, member_api_headers
from member_portal.members import services
from member_portal.members.errors import TooManyFailedAttempts

_BEARER = b"bearer"
log = logging.getLogger(__name__)


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
                response = self.answer(request)
                # FrontRefusal keeps this answer as the template of the next ones like it.
                response.early_refusal = True
                # Not one django.request line per refusal: `_announce` writes one per client and
                # window (log_response skips a response marked as logged).
                response._has_been_logged = True
                _announce(refusal[0].retry_after, refusal[2])
                return response
        return self.get_response(request)


def bearer_token(header: str) -> str | None:
    """The token of an `Authorization: Bearer <token>` header, as DRF's get_authorization_header
    and BearerAuthentication read it; None for any other header."""
    parts = header.encode("iso-8859-1", "replace").split()
    if len(parts) != 2 or parts[0].lower() != _BEARER:
        return None
    return parts[1].decode("latin-1")


def _refusal(request: HttpRequest, header: str) -> tuple[TooManyFailedAttempts, dict, str] | None:
    token = bearer_token(header)
    if token is None:
        return None
    try:
        found = services.refusal_for_known_client(token=token, ip=client_address(request))
    except (OperationalError, InterfaceError):
        # The view's own attempt meets the same error, which DatabaseUnavailableMiddleware turns
        # into a 503 (it sees only a view's exceptions, not a middleware's).
        return None
    if found is None:
        return None
    try:
        view = resolve(request.path_info).func
    except Resolver404:
        return None
    headers = _view_headers(view)
    return (found.error, headers, found.client) if headers is not None else None


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
    error, headers, _ = request.early_refusal
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


# The end of the window (epoch seconds) for which each client's early refusals were announced.
_announced: dict[str, int] = {}
ANNOUNCED_MAX = 50_000


def _announce(retry_after: int, client: str) -> None:
    """One log line per client and window instead of django.request's line per refusal, without
    the client's address or token: what the logs need to say that a flood was refused."""
    until = int(time.time()) + retry_after
    previous = _announced.get(client)
    if previous is not None and until <= previous + 1:  # the same window (a second may tick)
        return
    if len(_announced) >= ANNOUNCED_MAX:
        _announced.clear()
    _announced[client] = until
    log.warning(
        "A member-API client past its failed-attempt limit is refused early (429 "
        "too_many_failed_attempts) until its window ends in %d s; its further refusals in this "
        "window are not logged one by one.",
        retry_after,
    )


class _Template(NamedTuple):
    status: str
    headers: tuple[tuple[str, str], ...]
    retry_after_at: int  # the index of Retry-After in headers
    body: bytes

    def headers_for(self, retry_after: int) -> list[tuple[str, str]]:
        headers = list(self.headers)
        headers[self.retry_after_at] = ("Retry-After", str(retry_after))
        return headers


# What an early refusal's answer can depend on, but for the token and the client's address: the
# request line, the body's headers and every other request header (the route's Allow, the
# language, the host, the scheme...). Requests alike in all of these get the same answer.
_KEY_FIELDS = (
    "REQUEST_METHOD",
    "SCRIPT_NAME",
    "PATH_INFO",
    "QUERY_STRING",
    "CONTENT_TYPE",
    "CONTENT_LENGTH",
    "SERVER_NAME",
    "SERVER_PORT",
    "SERVER_PROTOCOL",
    "wsgi.url_scheme",
)
_KEY_SKIPPED = frozenset({"HTTP_AUTHORIZATION", "HTTP_X_FORWARDED_FOR"})
# Templates are learnt per process; a flood of requests unlike each other (a new header value
# each time) only ever costs what Django's early refusal costs.
TEMPLATES_MAX = 256
_templates: dict[bytes, _Template] = {}


def _template_key(environ: dict) -> bytes:
    fields = [str(environ.get(name, "")) for name in _KEY_FIELDS]
    fields += sorted(
        f"{name}:{value}"
        for name, value in environ.items()
        if name.startswith("HTTP_") and name not in _KEY_SKIPPED
    )
    return hashlib.blake2b(repr(fields).encode(), digest_size=16).digest()


class FrontRefusal:
    """WSGI, in front of Django's handler (hashbank/wsgi.py): the answer to a client known past its
    failed-attempt limit, without building a Django request.

    A refused request still costs the worker gunicorn's parsing, Django's handler (the request,
    its signals, every middleware on the way out) and the connection; under a closed-loop flood
    that share was what the submissions lost (bench/submissions.py --attackers). So the first
    answer `EarlyRefusalMiddleware` gives to requests alike in everything but the token and the
    client's address (`_template_key`) is kept as their template, headers and body as Django
    made them (security headers, CSP, language, Vary, Allow, Content-Length...), and a later
    request like it is answered here with only Retry-After filled in anew, when
    `services.refusal_for_known_client` refuses it from memory alone: the client known past its
    limit in this process, and the token malformed, of an unknown key id or with a wrong secret
    by the credential row kept from the last second. Anything else, a key id whose row is not
    kept included, goes on to Django, which decides as before (and reads the row). No database,
    Redis or Django signal is touched here.
    """

    def __init__(self, application: Callable) -> None:
        self.application = application

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        header = environ.get("HTTP_AUTHORIZATION")
        if not header:
            return self.application(environ, start_response)
        # Only once this process has a template (it refused a client early) does a Bearer request
        # cost the check, and only a refused one the template's key.
        found = _known_refusal(environ, header) if _templates else None
        if found is not None:
            template = _templates.get(_template_key(environ))
            if template is not None:
                _announce(found.error.retry_after, found.client)
                start_response(template.status, template.headers_for(found.error.retry_after))
                return [template.body]
        started: list[tuple[str, list]] = []

        def recording(status: str, headers: list, exc_info=None):
            started.append((status, headers))
            return start_response(status, headers, exc_info)

        result = self.application(environ, recording)
        if getattr(result, "early_refusal", False) and started:
            _learn(_template_key(environ), *started[0], result.content)
        return result


def _known_refusal(environ: dict, header: str) -> services.KnownClientRefusal | None:
    token = bearer_token(header)
    if token is None:
        return None
    return services.refusal_for_known_client(token=token, ip=client_address_of(environ), read=False)


def _learn(key: bytes, status: str, headers: list[tuple[str, str]], body: bytes) -> None:
    names = [name.lower() for name, _ in headers]
    if "set-cookie" in names or names.count("retry-after") != 1:
        return
    if len(_templates) >= TEMPLATES_MAX:
        _templates.clear()
    _templates[key] = _Template(status, tuple(headers), names.index("retry-after"), body)


def reset_process_state() -> None:
    """Forget the templates and the announced clients (for tests)."""
    _templates.clear()
    _announced.clear()
