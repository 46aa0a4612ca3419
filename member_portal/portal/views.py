"""The member portal: sign in (password + TOTP), sync status, credentials, reports, disputes."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from hashbank.core.errors import DomainError
from hashbank.disputes.selectors import disputes_for_member
from member_portal.members import selectors, services
from member_portal.members.models import MemberUser
from member_portal.portal import forms
from member_portal.portal import services as portal_services
from member_portal.portal.decorators import member_required
from member_portal.reports.selectors import reports_for_member

ENROL_SESSION_KEY = "portal_enrol_user"


def sign_in(request):
    form = forms.SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = authenticate(request, username=data["username"], password=data["password"])
        device = portal_services.totp_device(user) if user else None
        pending = selectors.enrolment_pending(user) if user is not None and device is None else None
        if pending is not None:
            # Left on the QR page: the password is right and the invitation still open, so
            # enrolment resumes (the same key, if it was already scanned).
            request.session[ENROL_SESSION_KEY] = pending.user_id
            return redirect("/portal/enrol/")
        if (
            user is not None
            and selectors.member_for_user(user) is not None
            and device is not None
            and device.verify_token(data["otp_token"].strip())
        ):
            login(request, user)
            otp_login(request, device)
            target = request.GET.get("next", "")
            if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
                target = "/portal/"
            return redirect(target)
        form.add_error(None, _("Those details did not match. Check your password and code."))
    return render(request, "portal/sign_in.html", {"form": form})


@require_POST
def sign_out(request):
    logout(request)
    return redirect("/portal/login/")


def invitation(request):
    """Accept an invitation: set a password, then enrol the authenticator app (the invitation
    is used up only when the authenticator is confirmed)."""
    form = forms.InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.accept_invitation(
                invitation=form.cleaned_data["invitation"], password=form.cleaned_data["password"]
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            request.session[ENROL_SESSION_KEY] = user.pk
            return redirect("/portal/enrol/")
    return render(request, "portal/invitation.html", {"form": form})


def enrol(request):
    user_pk = request.session.get(ENROL_SESSION_KEY)
    member_user = MemberUser.objects.select_related("user").filter(user_id=user_pk).first()
    if member_user is None or not selectors.invitation_pending(member_user):
        request.session.pop(ENROL_SESSION_KEY, None)
        return redirect("/portal/login/")
    device = portal_services.start_totp_enrolment(user=member_user.user)
    form = forms.TotpConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            portal_services.finish_enrolment(
                member_user=member_user, device=device, token=form.cleaned_data["otp_token"]
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            del request.session[ENROL_SESSION_KEY]
            messages.success(request, _("Your authenticator is set up. Please sign in."))
            return redirect("/portal/login/")
    return render(
        request,
        "portal/enrol.html",
        {
            "form": form,
            "qr": portal_services.qr_data_uri(device.config_url),
            "key": portal_services.base32_key(device),
        },
    )


@member_required
def dashboard(request):
    return render(
        request, "portal/dashboard.html", {"status": selectors.sync_status(request.member)}
    )


@member_required
def credentials(request):
    form = forms.CredentialForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        days = data.get("expires_days")
        try:
            _credential, new_token = services.issue_credential(
                member=request.member,
                scopes=data["scopes"],
                label=data["label"],
                expires_at=timezone.now() + timedelta(days=days) if days else None,
                allowed_ips=[ip for ip in data["allowed_ips"].split(",") if ip.strip()],
                actor=request.user,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            form = forms.CredentialForm()
    return render(
        request,
        "portal/credentials.html",
        {
            "form": form,
            "new_token": new_token,
            "credentials": selectors.credentials_for_member(request.member),
        },
    )


@require_POST
@member_required
def revoke(request, credential_id: int):
    credential = get_object_or_404(request.member.credentials, pk=credential_id)
    services.revoke_credential(credential=credential, actor=request.user)
    messages.success(request, _("%(credential)s is revoked.") % {"credential": credential.display})
    return redirect("/portal/credentials/")


@member_required
def receipt_keys(request):
    """Register, list and revoke the member's receipt keys (docs/member-guide.md, "Receipts")."""
    form = forms.ReceiptKeyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.register_receipt_key(
                member=request.member,
                vkey=form.cleaned_data["vkey"],
                label=form.cleaned_data["label"],
                actor=request.user,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The receipt key is registered."))
            return redirect("/portal/receipt-keys/")
    keys = [(key, selectors.receipt_vkey(key)) for key in selectors.receipt_keys(request.member)]
    return render(request, "portal/receipt_keys.html", {"form": form, "keys": keys})


@require_POST
@member_required
def revoke_receipt_key(request, key_id: int):
    try:
        services.revoke_receipt_key(member=request.member, key_id=key_id, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The receipt key is revoked."))
    return redirect("/portal/receipt-keys/")


@member_required
def reports(request):
    return render(
        request, "portal/reports.html", {"reports": reports_for_member(request.member)[:200]}
    )


@member_required
def disputes(request):
    return render(
        request, "portal/disputes.html", {"disputes": disputes_for_member(request.member)[:200]}
    )
