"""Portal sign-in with a second factor: TOTP enrolment and verification (django-otp)."""

from __future__ import annotations

import base64
import io

import qrcode
import qrcode.image.svg
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from hashbank.core.errors import DomainError
from member_portal.members import services as member_services
from member_portal.portal.errors import PortalErrorCode


def totp_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


@transaction.atomic
def start_totp_enrolment(*, user) -> TOTPDevice:
    """An unconfirmed device (reused if one is pending) whose key the user adds to an app."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="portal", confirmed=False)
    return device


@transaction.atomic
def confirm_totp(*, device: TOTPDevice, token: str) -> TOTPDevice:
    if not device.verify_token((token or "").strip()):
        raise DomainError(
            _("That code did not match; check the time on your phone."),
            code=PortalErrorCode.INVALID_OTP,
        )
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=device.user, confirmed=False).delete()
    return device


@transaction.atomic
def finish_enrolment(*, member_user, device: TOTPDevice, token: str) -> TOTPDevice:
    """Confirm the authenticator and, in the same transaction, use up the invitation: until
    this commits, the invitation (or a sign-in with the new password) brings the user back."""
    device = confirm_totp(device=device, token=token)
    member_services.complete_enrolment(member_user=member_user)
    return device


def qr_data_uri(text: str) -> str:
    """An SVG QR code as a data: URI (the CSP allows data: images, never inline script)."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def base32_key(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode().rstrip("=")
