"""The victim-facing pages: home, the submission form (and its no-JavaScript path), status, the
information pages (FAQ, privacy, about, participating platforms, cover your tracks), the offline
hasher's download (its wheel and sha256, from our own origin), the 500 page.

Pages read top to bottom; rules live in cases.services. Nothing here sets a cookie except the
CSRF token the forms need (and the language switcher's choice, set by Django's set_language).
No page takes a file: the no-JavaScript path takes the offline hasher's text, pasted into a
plain form, and hashbank.core.middleware.NoUploadMiddleware refuses any multipart body unread.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_GET, require_POST

from hashbank.cases import pins, services
from hashbank.cases.errors import InvalidSubmission
from hashbank.core import views as core_views
from hashbank.core.errors import DomainError
from hashbank.hasher.format import parse_hash_file, signals_from_entries
from hashbank.helpline import selectors as helpline
from hashbank.submissions import hasher_download, proof, throttle
from hashbank.submissions.errors import SubmissionErrorCode
from hashbank.submissions.messages import (
    error_message,
    offline_proof_message,
    page_messages,
    saved_file_name,
    saved_file_text,
)
from member_portal.members import selectors as members


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "submissions/home.html")


@require_GET
def faq(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "submissions/faq.html",
        {"purge_days": settings.HASHBANK_PURGE_REMOVED_DAYS},
    )


@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "submissions/privacy.html")


@require_GET
def about(request: HttpRequest) -> HttpResponse:
    return render(request, "submissions/about.html")


@require_GET
def platforms(request: HttpRequest) -> HttpResponse:
    """The participating platforms that agreed to be named (read live)."""
    return render(
        request, "submissions/platforms.html", {"platforms": members.publicly_named_members()}
    )


@require_GET
def cover_tracks(request: HttpRequest) -> HttpResponse:
    return render(request, "submissions/cover_tracks.html")


def server_error(request: HttpRequest) -> HttpResponse:
    """The branded 500 page, rendered from settings alone: no database read and no context
    processor, since either may be what failed. Under /api/ it is core's JSON error."""
    if request.path.startswith("/api/"):
        return core_views.server_error(request)
    context = {
        "helpline": helpline.contact_from_settings(),
        "quick_exit_url": helpline.quick_exit_url(get_language()),
    }
    return HttpResponse(loader.get_template("500.html").render(context), status=500)


@never_cache
@ensure_csrf_cookie
@require_GET
def possession_check(request: HttpRequest) -> HttpResponse:
    """The page a caseworker sends a caller to: the code they were given and one of the case's
    images, fingerprinted here (possession.js); only the fingerprint is sent."""
    return render(request, "submissions/possession_check.html")


@never_cache
@ensure_csrf_cookie
@require_GET
def submit_page(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "submissions/submit.html",
        {
            "messages_json": page_messages(),
            "status_address": _status_address(request),
            "hasher": hasher_download.current(),
        },
    )


@require_GET
def offline_hasher(request: HttpRequest) -> HttpResponse:
    """The offline hasher's download: the wheel's name, its sha256, how to check and install it."""
    return render(request, "submissions/offline_hasher.html", {"hasher": hasher_download.current()})


@require_GET
def offline_hasher_file(request: HttpRequest, name: str) -> FileResponse:
    """The wheel itself, from our own origin; only the one the page names."""
    wheel = hasher_download.current()
    if wheel is None or name != wheel.name:
        raise Http404
    return FileResponse(
        wheel.path.open("rb"),
        as_attachment=True,
        filename=wheel.name,
        content_type="application/octet-stream",
    )


def _status_address(request: HttpRequest) -> str:
    """The status page's full address, for the saved file and the printout."""
    return request.build_absolute_uri(reverse("status"))


def _offline_hashes(text: str) -> list[dict[str, Any]]:
    """The offline hasher's text (its JSON document) -> the hashes submit_case takes (MD5s,
    reliable PDQs), each with its file's position in the document, so that the case groups the
    hashes of one photo into one item."""
    hashes = []
    for file, entry in enumerate(parse_hash_file(text.encode("utf-8"))):
        for signal in signals_from_entries([entry]):
            item = {"type": signal["signal_type"], "value": signal["value"], "file": file}
            if signal["quality"] is not None:
                item["quality"] = signal["quality"]
            hashes.append(item)
    return hashes


def _render_result(request: HttpRequest, case, pin: str) -> HttpResponse:
    number, pin_text = pins.format_case_number(case.number), pins.format_pin(pin)
    address = _status_address(request)
    saved = saved_file_text() % {"number": number, "pin": pin_text, "address": address}
    return render(
        request,
        "submissions/result.html",
        {
            "case_number": number,
            "pin": pin_text,
            "status_address": address,
            "saved_text": saved,
            "saved_name": saved_file_name(),
        },
        status=201,
    )


@never_cache
@require_POST
def offline_submit(request: HttpRequest) -> HttpResponse:
    """The no-JavaScript path: the offline hasher's text, pasted (hashes only), and attest.

    The body is a small urlencoded form; NoUploadMiddleware has already refused anything else.
    """
    try:
        throttle.check_submission(request)
        text = request.POST.get("hashes", "").strip()
        if not text:
            raise InvalidSubmission(
                "Paste the offline hasher's text.", code=SubmissionErrorCode.NO_HASH_TEXT
            )
        attestations = {
            name: request.POST.get(name) == "yes" for name in services.REQUIRED_ATTESTATIONS
        }
        # No script runs here to do the proof of work: past the free submissions of the day the
        # page explains what to do instead (messages.offline_proof_message).
        proof.require(request, None)
        hashes = _offline_hashes(text)
        throttle.check_hashes(request, hashes)
        case, pin = services.submit_case(
            hashes=hashes,
            attestations=attestations,
            language=get_language() or "",
        )
        proof.count(request)
    except DomainError as error:
        message = (
            offline_proof_message()
            if error.code == SubmissionErrorCode.POW_REQUIRED
            else error_message(error)
        )
        return render(request, "refused.html", {"error": message}, status=error.status)
    return _render_result(request, case, pin)
