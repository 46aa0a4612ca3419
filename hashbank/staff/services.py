"""Writes the console makes itself: staff accounts, and a dispute raised from a case's page.
Everything else calls the owning app's services with `actor=`, and they audit."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from hashbank.audit.services import record_event
from hashbank.cases.models import CaseSignal
from hashbank.core.errors import Conflict, DomainError, NotFound
from hashbank.disputes import services as disputes
from hashbank.staff.errors import StaffErrorCode
from hashbank.staff.models import RecoveryCodeDevice, StaffProfile
from hashbank.staff.roles import ROLES

_PASSWORD_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"


def one_time_password() -> str:
    """Five groups of four: ~100 bits, easy to read out or type from a terminal."""
    raw = "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(20))
    return "-".join(raw[i : i + 4] for i in range(0, 20, 4))


@transaction.atomic
def create_staff_user(
    *, username: str, roles: list[str], actor: Any = None, email: str = ""
) -> tuple[Any, str]:
    """A staff account with a one-time password (returned once); it must enrol TOTP and choose a
    new password at first sign-in."""
    unknown = [r for r in roles if r not in ROLES]
    if unknown or not roles:
        raise DomainError(
            _("Roles must be among: %(roles)s.") % {"roles": ", ".join(ROLES)},
            code=StaffErrorCode.INVALID_ROLE,
        )
    User = get_user_model()
    if User.objects.filter(username=username).exists():
        raise Conflict(
            _("The username %(username)s is taken.") % {"username": repr(username)},
            code=StaffErrorCode.USERNAME_TAKEN,
        )
    password = one_time_password()
    user = User(username=username, email=email, is_staff=True, is_active=True)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    user.groups.set(Group.objects.filter(name__in=roles))
    StaffProfile.objects.create(user=user, must_change_password=True)
    record_event(
        actor=actor or "manage.py",
        action="staff.user_created",
        target=f"user:{user.pk}",
        after={"username": username, "roles": sorted(roles)},
    )
    return user, password


@transaction.atomic
def reset_second_factor(*, user: Any, actor: Any) -> None:
    """The person lost their phone: their next sign-in enrols a new authenticator."""
    removed = TOTPDevice.objects.filter(user=user).delete()[0]
    RecoveryCodeDevice.objects.filter(user=user).delete()
    record_event(
        actor=actor,
        action="staff.second_factor_reset",
        target=f"user:{user.pk}",
        before={"totp_devices": removed},
        after={"totp_devices": 0},
    )


@transaction.atomic
def set_active(*, user: Any, active: bool, actor: Any) -> None:
    if user.pk == getattr(actor, "pk", None) and not active:
        raise DomainError(
            _("You cannot deactivate your own account."), code=StaffErrorCode.OWN_ACCOUNT
        )
    before = user.is_active
    user.is_active = active
    user.save(update_fields=["is_active"])
    record_event(
        actor=actor,
        action="staff.user_activated" if active else "staff.user_deactivated",
        target=f"user:{user.pk}",
        before={"active": before},
        after={"active": active},
    )


@transaction.atomic
def raise_dispute(
    *, case: Any, case_signal_id: int, actor: Any, reason: str, note: str = ""
) -> Any:
    """A caseworker or reviewer questions a hash of a case: the dispute joins members' disputes in
    the review queue, and upholding it removes the signal for every case that holds it. The
    disputes service checks the reason and note, and writes the one audit entry."""
    row = (
        CaseSignal.objects.select_for_update(of=("self",))
        .filter(case=case, pk=case_signal_id)
        .select_related("signal")
        .first()
    )
    if row is None:
        raise NotFound(_("That hash is not in this case."), code=StaffErrorCode.UNKNOWN_HASH)
    if row.status not in (CaseSignal.Status.ACTIVE, CaseSignal.Status.SUSPENDED):
        raise DomainError(
            _(
                "This hash is %(status)s: it is no longer in the feed, so there is nothing to dispute."
            )
            % {"status": row.get_status_display()},
            code=StaffErrorCode.INVALID_TRANSITION,
        )
    dispute, _created = disputes.raise_dispute(
        signal=row.signal, reason=reason, note=note, actor=actor
    )
    return dispute
