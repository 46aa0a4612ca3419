"""The middlewares of the core: security headers on every response, no upload, ever, and a 503
with Retry-After (never a 500) while the database cannot be reached.

No page loads anything from another origin and no page runs inline script or style. A view that
needs something else (none should) sets its own header, which is kept. One script is allowed
WebAssembly ('wasm-unsafe-eval'): the hashing worker, whose policy is the one its own response
carries. It runs our MD5 core, hash-wasm's and libheif; no page gets that allowance.

No request body that could be a photo is read: `NoUploadMiddleware` refuses a multipart, large
or unmeasured body on the victim routes before anything reads it, a body above
DATA_UPLOAD_MAX_MEMORY_SIZE on every route, and `NoFileUploadHandler`, the only upload handler,
keeps no file that any other route might be sent.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from functools import partial

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

from hashbank.core.errors import CoreErrorCode, DomainError, Unavailable
from hashbank.core.http_errors import error_response
from hashbank.core.numbers import parse_whole

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' blob: data:",
        "media-src 'self' blob:",
        "worker-src 'self'",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
# The worker script, under its plain name or the manifest storage's hashed one.
_WASM_WORKER = re.compile(r"^/static/hashbank/js/hasher-worker(?:\.[0-9a-f]{12})?\.js$")
WORKER_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.replace(
    "script-src 'self'", "script-src 'self' 'wasm-unsafe-eval'"
)


def content_security_policy(path: str) -> str:
    """The policy for a response to `path`: the strict one, except for the hashing worker."""
    return WORKER_CONTENT_SECURITY_POLICY if _WASM_WORKER.match(path) else CONTENT_SECURITY_POLICY


PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), interest-cohort=()"


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault(
            "Content-Security-Policy", content_security_policy(request.path)
        )
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response


# The views whose routes a person in crisis uses: the submission pages and their JSON API, and the
# language switcher on every page. Their bodies are a few kilobytes of text; nothing bigger is read.
VICTIM_VIEW_MODULES = ("hashbank.submissions.", "django.views.i18n")
# Methods whose request can carry a body worth refusing (a GET's is ignored by Django anyway).
BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


log = logging.getLogger(__name__)

# Seconds a client is told to wait while the database is unreachable (a restart, a failover, a
# network cut): a person's browser or a member's client tries again then.
DATABASE_RETRY_AFTER = 5


class DatabaseUnavailableMiddleware:
    """A view that could not reach the database (the connection refused, dropped or broken:
    Django's OperationalError and InterfaceError) answers 503 with Retry-After and the
    `temporarily_unavailable` code, not a 500 (issue 17; deploy/reliability.py found 700 such
    500s in an 8-second outage). Nothing was written: the transaction did not commit, or never
    began. Other database errors (an integrity error is a bug) stay 500s.

    The answer is built without the database: JSON on the APIs, a short translated text on the
    pages (a template's context processors would read the database again)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        log.warning("database unavailable: answered 503", extra={"error": type(exception).__name__})
        if request.path.startswith(("/api/", "/peer/")):
            return error_response(
                Unavailable(
                    "The service cannot reach its database right now. Nothing was saved; "
                    "please try again in a few seconds.",
                    retry_after=DATABASE_RETRY_AFTER,
                )
            )
        response = HttpResponse(
            _(
                "This service is briefly unavailable, so nothing was saved. Please try again "
                "in a few seconds."
            ),
            content_type="text/plain; charset=utf-8",
            status=503,
        )
        response["Retry-After"] = str(DATABASE_RETRY_AFTER)
        return response


class NoUploadMiddleware:
    """Refuses on the victim routes (`VICTIM_VIEW_MODULES`), from the headers alone, every
    body a person's page must never send:

    - `multipart/form-data`: 415. No page takes a file (the offline hasher's text is pasted),
      and parsing one is what spooled a photo picked by mistake to the temporary upload
      directory. The body is not read at all.
    - a `Content-Length` above `HASHBANK_VICTIM_BODY_MAX_BYTES` (413), or a body without one
      (`Transfer-Encoding`, 411), so that no large body is buffered there.

    On every other route a `Content-Length` above DATA_UPLOAD_MAX_MEMORY_SIZE is a 413 here,
    unread (DRF's parsers would otherwise read a member's body of any length before refusing
    it). Those routes (staff console, member portal and API) never take a file either; there,
    `NoFileUploadHandler` and `DATA_UPLOAD_MAX_NUMBER_FILES = 0` stop a file part unread.

    It must run before any middleware that reads the body: CsrfViewMiddleware reads
    `request.POST`, which is what parses a multipart body. Only the header middlewares, which
    never touch the body, come before it, so that the refusal carries the CSP too.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refusal = _refusal(request)
        if refusal is None:
            return self.get_response(request)
        if request.path.startswith(("/api/", "/peer/")):
            return error_response(refusal)
        # The page needs the language and the CSRF token of the language switcher; both
        # middlewares read only headers and cookies here (process_view, which reads the body,
        # is the handler's to call, and it is never called for this response).
        render_page = partial(_refusal_page, error=refusal)
        return CsrfViewMiddleware(LocaleMiddleware(render_page))(request)


def _refusal(request: HttpRequest) -> DomainError | None:
    if request.method not in BODY_METHODS:
        return None
    error = _refused_body(request)
    # The headers first: a well-formed request (every submission) costs no URL resolution.
    if error is not None and _is_victim_route(request.path_info):
        return error
    cap = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if cap is not None and _content_length(request) > cap:
        return _too_large()
    return None


def _refused_body(request: HttpRequest) -> DomainError | None:
    if request.content_type == "multipart/form-data":
        return DomainError(
            "This service never accepts files: send the hashes as text.",
            code=CoreErrorCode.UNSUPPORTED_MEDIA_TYPE,
            status=415,
        )
    if "HTTP_TRANSFER_ENCODING" in request.META:
        return DomainError(
            "Send a Content-Length; a body without one is not accepted here.",
            code=CoreErrorCode.LENGTH_REQUIRED,
            status=411,
        )
    if _content_length(request) > settings.HASHBANK_VICTIM_BODY_MAX_BYTES:
        return _too_large()
    return None


def _content_length(request: HttpRequest) -> int:
    # Django reads no body it cannot measure (a malformed header reads as 0 there too).
    return parse_whole(request.META.get("CONTENT_LENGTH") or "0", max_digits=30) or 0


def _too_large() -> DomainError:
    return DomainError(
        "The request is larger than the server accepts.",
        code=CoreErrorCode.BODY_TOO_LARGE,
        status=413,
    )


def _is_victim_route(path: str) -> bool:
    try:
        match = resolve(path)
    except Resolver404:
        return False
    return match.func.__module__.startswith(VICTIM_VIEW_MODULES)


def _refusal_page(request: HttpRequest, *, error: DomainError) -> HttpResponse:
    texts = {
        CoreErrorCode.UNSUPPORTED_MEDIA_TYPE: _(
            "This site never accepts files, so nothing was sent and nothing was saved. If you "
            "used the offline hasher, paste the text it printed into the box on the form."
        ),
        CoreErrorCode.BODY_TOO_LARGE: _(
            "That was far too much to be the offline hasher's text, so nothing was sent and "
            "nothing was saved. Paste only the text the offline hasher printed."
        ),
        CoreErrorCode.LENGTH_REQUIRED: _(
            "Your browser sent the form in a way this site does not accept, so nothing was "
            "sent. Please try again from the form."
        ),
    }
    return render(
        request,
        "refused.html",
        {"error": texts[error.code]},
        status=error.status,
    )


class NoFileUploadHandler(FileUploadHandler):
    """The only upload handler (settings.FILE_UPLOAD_HANDLERS): it keeps no file, in memory or
    on disk. Django's defaults would hold a file in memory up to 2.5 MB and spool a larger one
    to FILE_UPLOAD_TEMP_DIR.

    `DATA_UPLOAD_MAX_NUMBER_FILES = 0` already fails the parse at a file part's headers; should
    that limit be raised, this handler stops the parse there, without reading the rest. Its
    small chunk size keeps the parser from reading the whole body at once (with no handler at
    all, Django reads it in one 2 GB chunk).
    """

    chunk_size = 64 * 1024

    def new_file(self, *args: object, **kwargs: object) -> None:
        raise StopUpload(connection_reset=True)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        return None

    def file_complete(self, file_size: int) -> None:
        return None
