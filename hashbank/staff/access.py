"""Who may see a console page: a signed-in, active staff account, verified with its second factor,
holding the page's permission. Everything else is redirected to sign-in or refused."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from hashbank.staff.models import StaffProfile


def is_staff_account(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.is_staff)


def must_change_password(user) -> bool:
    return StaffProfile.objects.filter(user=user, must_change_password=True).exists()


def forbidden(request: HttpRequest, message: str = "") -> HttpResponse:
    return render(request, "staff/forbidden.html", {"message": message}, status=403)


def staff_required(permission: str | None = None) -> Callable:
    """Guard a console view; `permission` is an `app_label.codename` the user must hold."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def guarded(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            user = request.user
            if not getattr(user, "is_authenticated", False):
                query = urlencode({"next": request.get_full_path()})
                return redirect(f"{reverse('staff:login')}?{query}")
            if not is_staff_account(user):
                return forbidden(request, "This account cannot use the staff console.")
            if not user.is_verified():
                # Signed in with a password only: nothing is shown or done before the second factor.
                return redirect("staff:verify")
            if must_change_password(user):
                return redirect("staff:password")
            if permission and not user.has_perm(permission):
                return forbidden(request)
            return view(request, *args, **kwargs)

        guarded.staff_permission = permission  # read by the permission tests
        return guarded

    return decorator
