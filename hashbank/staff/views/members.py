"""Members: onboard a platform, invite its portal users, issue and revoke credentials, suspend or
reactivate it, and see how far behind the feed it is. All writes are member_portal.members.services."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hashbank.core.errors import DomainError
from hashbank.core.numbers import parse_whole
from hashbank.staff.access import forbidden, staff_required
from hashbank.staff.errors import StaffErrorCode
from member_portal.members import selectors, services
from member_portal.members.models import SCOPES, Member


def _member(slug: str):
    return get_object_or_404(Member, slug=slug)


@require_http_methods(["GET", "POST"])
@staff_required("staff.view_members")
def index(request: HttpRequest) -> HttpResponse:
    errors = ""
    if request.method == "POST":
        if not request.user.has_perm("staff.manage_members"):
            return forbidden(request)

        try:
            member = services.create_member(
                slug=request.POST.get("slug", "").strip(),
                name=request.POST.get("name", "").strip(),
                actor=request.user,
            )
        except DomainError as error:
            errors = error.message
        except ValidationError as error:  # full_clean: a slug with spaces, a name too long
            errors = "; ".join(error.messages)
        else:
            messages.success(
                request,
                _("Member %(slug)s onboarded. Issue it a credential next.") % {"slug": member.slug},
            )
            return redirect("staff:member", slug=member.slug)
    return render(
        request,
        "staff/members.html",
        {"nav": "members", "statuses": selectors.sync_statuses(), "error": errors},
        status=400 if errors else 200,
    )


@require_GET
@staff_required("staff.view_members")
def detail(request: HttpRequest, slug: str) -> HttpResponse:
    member = _member(slug)
    return render(
        request,
        "staff/member_detail.html",
        {
            "nav": "members",
            "member": member,
            "sync": selectors.sync_status(member),
            "credentials": selectors.credentials_for_member(member),
            "users": member.users.select_related("user").order_by("invited_at"),
            "scopes": SCOPES,
            "now": timezone.now(),
        },
    )


def _run(request: HttpRequest, slug: str, action, done: str, hint: str = "") -> HttpResponse:
    member = _member(slug)
    try:
        shown = action(member)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("staff:member", slug=slug)
    if shown:  # a token or an invitation: shown on this response only, never stored in clear
        return render(
            request,
            "staff/shown_once.html",
            {"nav": "members", "member": member, "title": done, "secret": shown, "hint": hint},
        )
    messages.success(request, done)
    return redirect("staff:member", slug=slug)


@require_POST
@staff_required("staff.manage_credentials")
def issue_credential(request: HttpRequest, slug: str) -> HttpResponse:
    def issue(member) -> str:
        days = request.POST.get("expires_days", "").strip()
        # ASCII digits, at most about 27 years (timedelta overflows long before 18 digits).
        number = parse_whole(days, max_digits=4)
        if days and number is None:
            raise DomainError(
                _("The expiry is a number of days."), code=StaffErrorCode.INVALID_EXPIRY
            )
        expires_at = timezone.now() + dt.timedelta(days=number) if number is not None else None
        ips = [ip for ip in request.POST.get("allowed_ips", "").replace(",", " ").split() if ip]
        _credential, token = services.issue_credential(
            member=member,
            scopes=request.POST.getlist("scopes") or None,
            label=request.POST.get("label", "").strip(),
            expires_at=expires_at,
            allowed_ips=ips,
            actor=request.user,
        )
        return token

    return _run(
        request,
        slug,
        issue,
        _("Credential issued"),
        hint=_("The platform sends it as `Authorization: Bearer <token>` (see the member guide)."),
    )


@require_POST
@staff_required("staff.manage_credentials")
def revoke_credential(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    def revoke(member) -> None:
        credential = get_object_or_404(member.credentials, pk=pk)
        if credential.is_revoked:
            raise DomainError(
                _("This credential is already revoked."), code=StaffErrorCode.ALREADY_REVOKED
            )
        services.revoke_credential(credential=credential, actor=request.user)

    return _run(request, slug, revoke, _("Credential revoked: it stops working now."))


@require_POST
@staff_required("staff.manage_members")
def invite(request: HttpRequest, slug: str) -> HttpResponse:
    def invite_user(member) -> str:
        username = request.POST.get("username", "").strip()
        if not username:
            raise DomainError(
                _("Give the new user a username."), code=StaffErrorCode.INVALID_USERNAME
            )
        _invitation, code = services.invite_user(
            member=member,
            username=username,
            email=request.POST.get("email", "").strip(),
            actor=request.user,
        )
        return code

    return _run(
        request,
        slug,
        invite_user,
        _("Invitation created"),
        hint=_(
            "The person enters it at /portal/invitation/ within 7 days to set a password and "
            "an authenticator."
        ),
    )


@require_POST
@staff_required("staff.manage_members")
def suspend(request: HttpRequest, slug: str) -> HttpResponse:
    def run(member) -> None:
        if not member.is_active:
            raise DomainError(
                _("This member is already suspended."), code=StaffErrorCode.ALREADY_SUSPENDED
            )
        services.suspend_member(
            member=member, actor=request.user, reason=request.POST.get("reason", "").strip()[:500]
        )

    return _run(request, slug, run, _("Member suspended: its credentials stop working now."))


@require_POST
@staff_required("staff.manage_members")
def reactivate(request: HttpRequest, slug: str) -> HttpResponse:
    def run(member) -> None:
        if member.is_active:
            raise DomainError(
                _("This member is already active."), code=StaffErrorCode.ALREADY_ACTIVE
            )
        services.reactivate_member(member=member, actor=request.user)

    return _run(request, slug, run, _("Member reactivated."))


def _member_user(member, pk: int):
    return get_object_or_404(member.users.select_related("user"), pk=pk)


@require_POST
@staff_required("staff.manage_members")
def reinvite(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A new invitation for a portal user who never joined (say, theirs expired)."""
    return _run(
        request,
        slug,
        lambda member: services.reinvite_user(
            member_user=_member_user(member, pk), actor=request.user
        ),
        _("New invitation created"),
        hint=_(
            "The earlier invitation no longer works. The person enters this one at "
            "/portal/invitation/ within 7 days to set a password and an authenticator."
        ),
    )


@require_POST
@staff_required("staff.reset_portal_user")
def reset_portal_user(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Start a portal user over: password and authenticators removed, sessions ended, and a new
    invitation to set them again (only after checking who is asking)."""
    return _run(
        request,
        slug,
        lambda member: services.reset_portal_user(
            member_user=_member_user(member, pk), actor=request.user
        ),
        _("Portal user reset"),
        hint=_(
            "Their password and authenticator are removed and they are signed out. They enter "
            "this invitation at /portal/invitation/ within 7 days to set both again."
        ),
    )
