"""Portal pages for a member's webhooks and their delivery log (the webhooks app keeps the
endpoints, deliveries and their sending; the portal, its pages)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hashbank.core.errors import DomainError
from member_portal.portal.decorators import member_required
from member_portal.portal.forms import WebhookForm
from member_portal.webhooks import selectors, services


@member_required
def webhooks(request):
    form = WebhookForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            created = services.add_endpoint(
                member=request.member, url=form.cleaned_data["url"], actor=request.user
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            form = WebhookForm()
    return render(
        request,
        "webhooks/webhooks.html",
        {
            "form": form,
            "created": created,
            "endpoints": selectors.endpoints_for_member(request.member),
            "deliveries": selectors.deliveries_for_member(request.member),
        },
    )


@require_POST
@member_required
def remove(request, endpoint_id: int):
    endpoint = get_object_or_404(selectors.endpoints_for_member(request.member), pk=endpoint_id)
    services.remove_endpoint(endpoint=endpoint, actor=request.user)
    messages.success(request, _("The webhook is removed."))
    return redirect("/portal/webhooks/")
