"""Sign-in: password (django-axes counts failures and locks out), then the second factor (TOTP,
or a recovery code); the first sign-in enrols an authenticator and shows recovery codes once."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login

from hashbank.audit.services import record_event
from hashbank.staff import otp
from hashbank.staff.access import forbidden, is_staff_account, staff_required
from hashbank.staff.models import RecoveryCodeDevice, StaffProfile

MAX_SECOND_FACTOR_FAILURES = 5


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/staff/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/staff/"


@never_cache
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    error = ""
    if request.method == "POST":
        username = request.POST.get("username", "").strip()
        password = request.POST.get("password", "")
        user = authenticate(request, username=username, password=password)
        if getattr(request, "axes_locked_out", False):
            # AxesMiddleware replaces this response with its lockout page.
            return render(request, "staff/login.html", {"error": ""}, status=429)
        if user is not None and is_staff_account(user):
            login(request, user)
            request.session["staff_next"] = _next_url(request)
            return redirect("staff:verify")
        error = _("The username or the password is not right.")
    return render(
        request,
        "staff/login.html",
        {"error": error, "next": request.GET.get("next", ""), "username": ""},
        status=400 if error else 200,
    )


def _pending_staff(request: HttpRequest) -> HttpResponse | None:
    """The password step is done for a staff account; otherwise where to go instead."""
    if not request.user.is_authenticated:
        return redirect("staff:login")
    if not is_staff_account(request.user):
        return forbidden(request, _("This account cannot use the staff console."))
    return None


@never_cache
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    refusal = _pending_staff(request)
    if refusal:
        return refusal
    user = request.user
    if user.is_verified():
        return redirect(request.session.pop("staff_next", "/staff/"))
    if not otp.has_second_factor(user):
        return redirect("staff:enrol")
    error = ""
    if request.method == "POST":
        token = request.POST.get("code", "")
        device = otp.verifying_device(user, token)
        if device is not None and device.verify_token(token.strip()):
            otp_login(request, device)
            request.session.pop("second_factor_failures", None)
            factor = "recovery_code" if isinstance(device, RecoveryCodeDevice) else "totp"
            after = {"factor": factor}
            if factor == "recovery_code":
                after["recovery_codes_left"] = len(device.codes)
            record_event(actor=user, action="auth.sign_in", target=f"user:{user.pk}", after=after)
            return redirect(request.session.pop("staff_next", "/staff/"))
        failures = request.session.get("second_factor_failures", 0) + 1
        record_event(
            actor=user,
            action="auth.second_factor_failed",
            target=f"user:{user.pk}",
            after={"failures": failures},
        )
        if failures >= MAX_SECOND_FACTOR_FAILURES:
            logout(request)
            messages.error(request, _("Too many wrong codes: sign in again."))
            return redirect("staff:login")
        request.session["second_factor_failures"] = failures
        error = _("That code is not right (or came too soon after a wrong one); try again.")
    return render(request, "staff/verify.html", {"error": error}, status=400 if error else 200)


@never_cache
@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest) -> HttpResponse:
    refusal = _pending_staff(request)
    if refusal:
        return refusal
    user = request.user
    if otp.has_second_factor(user):
        return redirect("staff:verify")
    device = otp.pending_totp(user)
    error = ""
    if request.method == "POST":
        if otp.confirm_totp(device, request.POST.get("code", "")):
            otp_login(request, device)
            codes = otp.new_recovery_codes(user)
            record_event(
                actor=user,
                action="auth.second_factor_enrolled",
                target=f"user:{user.pk}",
                after={"factor": "totp", "recovery_codes": len(codes)},
            )
            return render(request, "staff/recovery_codes.html", {"codes": codes, "first": True})
        error = _("That code is not right; check the time on your phone and try again.")
    context = {
        "qr": otp.qr_svg(otp.provisioning_uri(device), title="QR code for your authenticator app"),
        "secret": otp.secret_base32(device),
        "error": error,
    }
    return render(request, "staff/enrol.html", context, status=400 if error else 200)


@require_POST
@staff_required()
def recovery_codes(request: HttpRequest) -> HttpResponse:
    codes = otp.new_recovery_codes(request.user)
    record_event(
        actor=request.user,
        action="auth.recovery_codes_replaced",
        target=f"user:{request.user.pk}",
        after={"recovery_codes": len(codes)},
    )
    return render(request, "staff/recovery_codes.html", {"codes": codes, "first": False})


@never_cache
@require_http_methods(["GET", "POST"])
def change_password(request: HttpRequest) -> HttpResponse:
    """Set a new password; required after a one-time password (createadmin, new staff)."""
    refusal = _pending_staff(request)
    if refusal:
        return refusal
    user = request.user
    if not user.is_verified():
        return redirect("staff:verify")
    errors: list[str] = []
    if request.method == "POST":
        new, again = request.POST.get("new_password", ""), request.POST.get("new_password2", "")
        if not user.check_password(request.POST.get("old_password", "")):
            errors.append(_("The current password is not right."))
        elif new != again:
            errors.append(_("The two new passwords differ."))
        else:
            try:
                validate_password(new, user)
            except ValidationError as exc:
                errors.extend(exc.messages)
        if not errors:
            user.set_password(new)
            user.save(update_fields=["password"])
            update_session_auth_hash(request, user)
            StaffProfile.objects.filter(user=user).update(must_change_password=False)
            record_event(actor=user, action="auth.password_changed", target=f"user:{user.pk}")
            messages.success(request, _("Your password is changed."))
            return redirect("staff:dashboard")
    return render(request, "staff/password.html", {"errors": errors}, status=400 if errors else 200)


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        record_event(actor=request.user, action="auth.sign_out", target=f"user:{request.user.pk}")
    logout(request)
    return redirect("staff:login")
