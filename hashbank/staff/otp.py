"""Second factors for staff: TOTP enrolment (QR code drawn here, as SVG) and recovery codes."""

from __future__ import annotations

import secrets
from base64 import b32encode
from urllib.parse import quote

import qrcode
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import transaction
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from hashbank.staff.models import RecoveryCodeDevice

TOTP_DEVICE_NAME = "authenticator"
RECOVERY_DEVICE_NAME = "recovery codes"
RECOVERY_CODE_COUNT = 10
# Fewer rounds than a password: each code's secret has 60 random bits (a password has far fewer),
# and ten codes are hashed at once on enrolment. The count is stored in each hash.
RECOVERY_CODE_ITERATIONS = 100_000
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread


def confirmed_totp(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def has_second_factor(user) -> bool:
    return confirmed_totp(user) is not None


def pending_totp(user) -> TOTPDevice:
    """The unconfirmed device being enrolled (the same one on every reload, so the QR holds)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


def secret_base32(device: TOTPDevice) -> str:
    return b32encode(device.bin_key).decode("ascii").rstrip("=")


def provisioning_uri(device: TOTPDevice) -> str:
    issuer = getattr(settings, "OTP_TOTP_ISSUER", "hashbank")
    label = quote(f"{issuer}:{device.user.get_username()}")
    return (
        f"otpauth://totp/{label}?secret={secret_base32(device)}&issuer={quote(issuer)}"
        f"&digits={device.digits}&period={device.step}&algorithm=SHA1"
    )


def qr_svg(data: str, *, title: str) -> SafeString:
    """The QR code as inline SVG: black modules as one path, no style attributes (strict CSP)."""
    code = qrcode.QRCode(border=4, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(data)
    code.make(fit=True)
    matrix = code.get_matrix()
    size = len(matrix)
    path = "".join(
        f"M{x},{y}h1v1h-1z" for y, row in enumerate(matrix) for x, dark in enumerate(row) if dark
    )
    return format_html(
        '<svg class="qr" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {0} {0}" width="{1}" '
        'height="{1}" role="img" aria-labelledby="qr-title" shape-rendering="crispEdges">'
        '<title id="qr-title">{2}</title><rect width="{0}" height="{0}" fill="#fff"/>'
        '<path d="{3}" fill="#000"/></svg>',
        size,
        size * 5,
        title,
        mark_safe(path),  # digits and letters only
    )


def confirm_totp(device: TOTPDevice, token: str) -> bool:
    if not device.verify_token((token or "").strip().replace(" ", "")):
        return False
    with transaction.atomic():
        # One authenticator per person: enrolling a new one retires the old.
        TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    return True


def _group(text: str) -> str:
    return "-".join(text[i : i + 4] for i in range(0, len(text), 4))


@transaction.atomic
def new_recovery_codes(user) -> list[str]:
    """Replace the user's recovery codes with ten new ones, returned once for the person to keep."""
    RecoveryCodeDevice.objects.filter(user=user).delete()
    codes, stored = [], {}
    while len(codes) < RECOVERY_CODE_COUNT:
        raw = "".join(secrets.choice(_ALPHABET) for _ in range(16))
        if raw[:4] in stored:
            continue
        hasher = PBKDF2PasswordHasher()
        stored[raw[:4]] = hasher.encode(raw[4:], hasher.salt(), RECOVERY_CODE_ITERATIONS)
        codes.append(_group(raw))
    RecoveryCodeDevice.objects.create(
        user=user, name=RECOVERY_DEVICE_NAME, confirmed=True, codes=stored
    )
    return codes


def verifying_device(user, token: str):
    """The device a token is for: six digits are a TOTP code, anything longer a recovery code."""
    cleaned = "".join((token or "").split())
    if cleaned.isdigit() and len(cleaned) == 6:
        return confirmed_totp(user)
    return RecoveryCodeDevice.objects.filter(user=user, confirmed=True).first()


def current_code(device: TOTPDevice) -> str:
    """The code an authenticator shows now (tests and the e2e flow compute it like a phone)."""
    value = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return str(value).zfill(device.digits)
