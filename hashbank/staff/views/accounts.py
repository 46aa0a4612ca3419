"""Staff accounts (administrators): create one with roles and a one-time password, reset a lost
second factor, deactivate or reactivate."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from hashbank.core.errors import DomainError
from hashbank.staff import services
from hashbank.staff.access import staff_required
from hashbank.staff.roles import ROLES


@require_http_methods(["GET", "POST"])
@staff_required("staff.manage_staff")
def index(request: HttpRequest) -> HttpResponse:
    error = ""
    if request.method == "POST":
        try:
            user, password = services.create_staff_user(
                username=request.POST.get("username", "").strip(),
                roles=request.POST.getlist("roles"),
                email=request.POST.get("email", "").strip(),
                actor=request.user,
            )
        except DomainError as exc:
            error = exc.message
        else:
            return render(
                request,
                "staff/account_created.html",
                {"nav": "accounts", "account": user, "password": password},
            )
    users = (
        get_user_model()
        .objects.filter(is_staff=True)
        .prefetch_related("groups")
        .order_by("username")
    )
    return render(
        request,
        "staff/accounts.html",
        {"nav": "accounts", "accounts": users, "roles": list(ROLES), "error": error},
        status=400 if error else 200,
    )


def _staff_user(pk: int):
    return get_object_or_404(get_user_model(), pk=pk, is_staff=True)


@require_POST
@staff_required("staff.manage_staff")
def reset_second_factor(request: HttpRequest, pk: int) -> HttpResponse:
    user = _staff_user(pk)
    services.reset_second_factor(user=user, actor=request.user)
    messages.success(
        request,
        _("%(username)s will set up a new authenticator at next sign-in.")
        % {"username": user.get_username()},
    )
    return redirect("staff:accounts")


@require_POST
@staff_required("staff.manage_staff")
def set_active(request: HttpRequest, pk: int) -> HttpResponse:
    user = _staff_user(pk)
    try:
        services.set_active(user=user, active=request.POST.get("active") == "1", actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            (_("%(username)s is active.") if user.is_active else _("%(username)s is deactivated."))
            % {"username": user.get_username()},
        )
    return redirect("staff:accounts")
