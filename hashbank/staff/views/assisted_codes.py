"""Assisted codes: a caseworker issues a one-time code to read to the person on the phone, who
enters it on the public page of their own device (`/submit/assisted/`) and hashes there. The
images never reach a staff machine; the case arrives staff-assisted and assigned to whoever
issued the code. The code is shown once (never cached) and kept only as a keyed hash; the issue
is audited by cases.services."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from hashbank.cases import assisted
from hashbank.cases import services as case_services
from hashbank.staff.access import staff_required


@never_cache
@require_http_methods(["GET", "POST"])
@staff_required("staff.assisted_submission")
def issue(request: HttpRequest) -> HttpResponse:
    context = {
        "nav": "assisted",
        "entry_url": request.build_absolute_uri(reverse("submit-assisted")),
        "minutes": int(assisted.LIFETIME.total_seconds() // 60),
    }
    if request.method == "POST":
        row, code = case_services.issue_assisted_code(actor=request.user)
        context.update(code=assisted.format_code(code), expires_at=row.expires_at)
    return render(request, "staff/assisted_code.html", context)
