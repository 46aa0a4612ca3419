"""The helpline contact (administrators): what every public page shows under "contact the
helpline". Saving replaces the environment's defaults and is audited (hashbank.helpline)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from hashbank.core.errors import DomainError
from hashbank.helpline import selectors, services
from hashbank.staff.access import staff_required


@require_http_methods(["GET", "POST"])
@staff_required("staff.manage_helpline")
def contact(request: HttpRequest) -> HttpResponse:
    error = ""
    values = selectors.contact().as_dict()
    if request.method == "POST":
        values = {name: request.POST.get(name, "") for name in selectors.FIELDS}
        try:
            services.update_contact(actor=request.user, **values)
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(request, _("Saved: the public pages show the new contact now."))
            return redirect("staff:helpline")
    return render(
        request,
        "staff/helpline.html",
        {"nav": "helpline", "values": values, "error": error},
        status=400 if error else 200,
    )
