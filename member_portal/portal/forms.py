from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from member_portal.members.models import SCOPES


class SignInForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput)
    # Not required: someone who left while setting up their authenticator has no code yet, and
    # their password alone takes them back to the set-up (views.sign_in).
    otp_token = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=8,
        required=False,
        help_text=_("Still setting up your authenticator? Leave this empty."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class InvitationForm(forms.Form):
    invitation = forms.CharField(label=_("Invitation"), max_length=100)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, min_length=12)


class TotpConfirmForm(forms.Form):
    otp_token = forms.CharField(label=_("Code from your authenticator app"), max_length=8)


class CredentialForm(forms.Form):
    label = forms.CharField(label=_("Label"), max_length=100, required=False)
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"),
        choices=[(s, s) for s in SCOPES],
        initial=list(SCOPES),
        widget=forms.CheckboxSelectMultiple,
    )
    expires_days = forms.IntegerField(
        min_value=1, max_value=3650, required=False, label=_("Expires after (days, optional)")
    )
    allowed_ips = forms.CharField(
        required=False, label=_("Allowed addresses (CIDR, comma-separated)")
    )


class WebhookForm(forms.Form):
    url = forms.URLField(label=_("URL"), max_length=500, assume_scheme="https")


class ReceiptKeyForm(forms.Form):
    vkey = forms.CharField(
        label=_("Receipt verifier key"),
        max_length=300,
        help_text=_(
            "name+hexkeyid+base64(0x04 || key), as `hashbank-member receipt-key` prints it"
        ),
    )
    label = forms.CharField(label=_("Label"), max_length=100, required=False)
