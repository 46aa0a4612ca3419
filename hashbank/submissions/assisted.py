"""The entry page for an assisted submission, on the person's own device.

A caseworker on the phone reads the person a one-time code (issued in the console). The person
opens `/submit/assisted/` here, types it, and then hashes their images on the ordinary submission
page: the images never leave their device and never reach a staff machine. The accepted code is
kept in this browser's session (the only cookie besides CSRF, and only for people who enter a
code; it ends with the code) until the submission uses it up: the submission API reads it
(`ASSISTED_SESSION_KEY`) and `cases.services.submit_case` links the case to the caseworker.
Attempts count against the PIN throttle: a code cannot be guessed faster than a PIN.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from hashbank.cases import assisted, selectors
from hashbank.core.errors import DomainError, RateLimited
from hashbank.submissions import throttle
from hashbank.submissions.messages import error_message

ASSISTED_SESSION_KEY = "assisted_code"


def forget_code(request: HttpRequest) -> None:
    request.session.pop(ASSISTED_SESSION_KEY, None)


@never_cache
@require_http_methods(["GET", "POST"])
def entry(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return render(request, "submissions/assisted.html", {})
    text = request.POST.get("code", "")
    try:
        throttle.check_pin(request)
    except DomainError as error:
        response = render(
            request,
            "submissions/assisted.html",
            {"error": error_message(error), "code": text[:40]},
            status=error.status,
        )
        if isinstance(error, RateLimited):
            response["Retry-After"] = str(error.retry_after)
        return response
    if not selectors.assisted_code_usable(text):
        forget_code(request)
        return render(
            request,
            "submissions/assisted.html",
            {
                "error": _(
                    "This code is not valid: check it with the helpline worker. Codes work once, "
                    "for 30 minutes."
                ),
                "code": text[:40],
            },
            status=400,
        )
    request.session[ASSISTED_SESSION_KEY] = assisted.normalize(text)
    request.session.set_expiry(int(assisted.LIFETIME.total_seconds()))
    return render(
        request, "submissions/assisted_accepted.html", {"now": timezone.now()}, status=200
    )
