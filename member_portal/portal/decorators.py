from __future__ import annotations

from functools import wraps

from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from member_portal.members.selectors import member_for_user


def member_required(view):
    """A signed-in member user who passed the second factor; `request.member` is their member."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated or not user.is_verified():
            return redirect(f"/portal/login/?next={request.path}")
        member = member_for_user(user)
        if member is None:
            return render(
                request,
                "portal/refused.html",
                {"message": _("This account belongs to no member platform.")},
                status=403,
            )
        if not member.is_active:
            return render(
                request,
                "portal/refused.html",
                {"message": _("Your organisation's membership is suspended.")},
                status=403,
            )
        request.member = member
        return view(request, *args, **kwargs)

    return wrapped
