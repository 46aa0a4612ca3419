"""What the console needs beyond Django's users and groups: its permissions and a staff profile.

Roles are Django groups (created by migration 0002 from `roles.ROLES`); each console action is
guarded by one of the explicit permissions below, never by a role name.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django_otp.models import Device, ThrottlingMixin


class ConsolePermission(models.Model):
    """Carries the console's permissions; it has no table and no rows."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            ("view_dashboard", "Can see the staff dashboard"),
            ("view_cases", "Can find and read cases"),
            ("assign_case", "Can assign cases to caseworkers"),
            ("export_cases", "Can export the case list as CSV"),
            ("export_case_hashes", "Can include hash values in a case list export"),
            ("add_case_note", "Can add notes to cases"),
            ("suspend_signal", "Can suspend a case's signal from the feed"),
            ("restore_signal", "Can restore a suspended signal to the feed"),
            ("review_signal", "Can confirm a signal's review tier or take the confirmation back"),
            ("withdraw_signal", "Can withdraw a case's signal on the person's behalf"),
            ("unlock_case", "Can unlock a case locked by wrong PINs"),
            ("assisted_submission", "Can submit a case on a person's behalf"),
            ("view_disputes", "Can see the dispute review queue"),
            ("raise_dispute", "Can raise a dispute against a case's signal"),
            ("decide_dispute", "Can uphold or reject disputes"),
            ("view_members", "Can see members, credentials and sync lag"),
            ("manage_members", "Can onboard, invite users to, suspend and reactivate members"),
            ("manage_credentials", "Can issue and revoke member credentials"),
            ("reset_portal_user", "Can reset a member portal user's sign-in and second factor"),
            ("view_keys", "Can see signing keys and root documents"),
            ("manage_staff", "Can create staff accounts and reset their second factor"),
            ("manage_helpline", "Can change the helpline contact shown on the public pages"),
            ("manage_federation", "Can see and suspend or remove peer banks and their mirrors"),
        ]


class StaffProfile(models.Model):
    """Console state for one staff account."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile"
    )
    # Set when the password was shown once on a terminal or screen (createadmin, new staff).
    must_change_password = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        default_permissions = ()


class RecoveryCodeDevice(ThrottlingMixin, Device):
    """Ten single-use recovery codes, a django-otp device like TOTP.

    django-otp's own static tokens are stored in clear; these are not. A code reads
    `XXXX-YYYY-YYYY-YYYY`: the first group is a public lookup id, the rest a secret kept only as a
    slow salted hash (Django's password hashers), so one hash is checked per attempt.
    """

    codes = models.JSONField(default=dict)  # lookup id -> hash of the secret

    class Meta:
        default_permissions = ()

    def get_throttle_factor(self) -> int:
        return 1

    def verify_token(self, token: str) -> bool:
        from django.contrib.auth.hashers import check_password

        allowed, _ = self.verify_is_allowed()
        if not allowed:
            return False
        cleaned = "".join(str(token).split()).replace("-", "").upper()
        lookup, secret = cleaned[:4], cleaned[4:]
        stored = self.codes.get(lookup) if len(secret) == 12 else None
        if stored and check_password(secret, stored):
            self.codes = {k: v for k, v in self.codes.items() if k != lookup}
            self.throttle_reset(commit=False)
            self.save()
            return True
        self.throttle_increment()
        return False
