"""The middlewares only a browser's request uses, passed by for the member API's.

A member platform's request (a Bearer credential: `member_portal.api.base.MemberAPIView`) carries
no cookie and no sign-in: Django's sessions, its sign-in and its messages do nothing for it, yet
ran on every poll. settings.MIDDLEWARE lists each of them as its subclass here, which hands a
member API request straight to the next middleware; every other request (pages, the victims' JSON
API, the portal, the console, the API docs) runs them as before.

Every request, the member API's included, keeps the rest of the stack: the security headers
(SecurityMiddleware, SecurityHeadersMiddleware, XFrameOptionsMiddleware), the 503 while the
database is away (DatabaseUnavailableMiddleware), the refused bodies (NoUploadMiddleware),
CommonMiddleware (its Content-Length), LocaleMiddleware (the language of DRF's own messages, and
the previous request's language must not leak into this one), CSRF and the lockout (cheap, and
`check --deploy` looks for them by name). OTPMiddleware stays too: it wraps `request.user`, which
a member API request does not have until DRF sets it, so it passes such a request by itself.

A view is the member API's when its class says `browser_middleware = False`. The middlewares run
before the view is known, so the path is resolved here, once per path and URL map (cached).
"""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.contrib.auth import middleware as auth
from django.contrib.messages import middleware as messages
from django.contrib.sessions import middleware as sessions
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve


@lru_cache(maxsize=4096)
def _resolves_to_member_api(urlconf: str, path: str) -> bool:
    try:
        match = resolve(path, urlconf)
    except Resolver404:
        return False
    view_class = getattr(match.func, "view_class", None)
    return getattr(view_class, "browser_middleware", True) is False


def is_member_api(request: HttpRequest) -> bool:
    """Whether `request` is for a view that takes no browser middleware (decided once per
    request)."""
    known = request.__dict__.get("_member_api")
    if known is None:
        urlconf = getattr(request, "urlconf", None) or settings.ROOT_URLCONF
        known = request._member_api = _resolves_to_member_api(str(urlconf), request.path_info)
    return known


class SessionMiddleware(sessions.SessionMiddleware):
    """Django's, for every request but the member API's (no `request.session` there)."""

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if is_member_api(request):
            return self.get_response(request)
        return super().__call__(request)


class AuthenticationMiddleware(auth.AuthenticationMiddleware):
    """Django's, for every request but the member API's (whose `request.user` DRF sets from the
    Bearer credential)."""

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if is_member_api(request):
            return self.get_response(request)
        return super().__call__(request)


class MessageMiddleware(messages.MessageMiddleware):
    """Django's, for every request but the member API's (its storage needs the session)."""

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if is_member_api(request):
            return self.get_response(request)
        return super().__call__(request)
