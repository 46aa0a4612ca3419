"""Security events that arrive as Django signals: failed sign-ins and lockouts (django-axes)."""

from __future__ import annotations

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver

from hashbank.audit.services import record_event


def _username(credentials: dict | None) -> str:
    return str((credentials or {}).get("username", ""))[:150]


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def login_failed(sender, credentials=None, request=None, **kwargs) -> None:  # noqa: ANN001
    # No IP address is kept: the attempt's username is what an auditor needs to spot a pattern.
    username = _username(credentials)
    record_event(actor=None, action="auth.sign_in_failed", target=f"username:{username}")


@receiver(user_locked_out, dispatch_uid="audit_locked_out")
def locked_out(sender, request=None, username=None, ip_address=None, **kwargs) -> None:  # noqa: ANN001
    record_event(actor=None, action="auth.locked_out", target=f"username:{(username or '')[:150]}")
