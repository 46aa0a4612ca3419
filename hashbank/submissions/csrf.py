"""CSRF refusals (settings.CSRF_FAILURE_VIEW): JSON for the API, a plain page for forms."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from hashbank.submissions.errors import SubmissionErrorCode


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse(
            {
                "error": {
                    "code": SubmissionErrorCode.CSRF_FAILED,
                    "message": "Missing or wrong CSRF token.",
                }
            },
            status=403,
        )
    return render(request, "submissions/csrf_failure.html", status=403)


class SameOriginNullOriginMiddleware:
    """Lets plain HTML forms work under `Referrer-Policy: no-referrer`.

    With that policy, Chromium sends `Origin: null` on a form POST, and Django's CSRF check refuses
    a null Origin (and, over HTTPS, a missing Referer): every form, the language switcher included,
    would fail in a real browser. `Sec-Fetch-Site: same-origin` is set by the browser itself (pages
    cannot forge it), so for such a request the Origin is restored to this site's own before
    CsrfViewMiddleware runs; the CSRF token is still checked as always.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        meta = request.META
        if meta.get("HTTP_ORIGIN") == "null" and meta.get("HTTP_SEC_FETCH_SITE") == "same-origin":
            meta["HTTP_ORIGIN"] = (
                f"{'https' if request.is_secure() else 'http'}://{request.get_host()}"
            )
        return self.get_response(request)
