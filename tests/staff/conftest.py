"""Staff accounts ready to use: one per role, each with a confirmed authenticator, signed in
through a session that either has or lacks a verified second factor."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from hashbank.staff import roles
from hashbank.staff.models import StaffProfile

PASSWORD = "correct horse battery staple 42"


@pytest.fixture
def make_staff(django_user_model):
    def make(role: str | None, *, username: str | None = None, password: str | None = None):
        name = username or (role or "norole").replace(" ", "_")
        user = django_user_model(username=name, is_staff=True)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()  # signed in with force_login; keeps the matrix fast
        user.save()
        if role:
            if not Group.objects.filter(name=role).exists():
                roles.sync_groups()  # a transactional test flushed the migration's groups
            user.groups.add(Group.objects.get(name=role))
        StaffProfile.objects.create(user=user)
        TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
        return user

    return make


def signed_in(user, *, verified: bool = True) -> Client:
    """A client signed in as `user`; `verified` marks the session as past the second factor,
    exactly as django_otp.login does after a correct code."""
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    if verified:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=user).persistent_id
        session.save()
    return client


@pytest.fixture
def staff_client(make_staff):
    def make(role: str | None, *, verified: bool = True) -> tuple[Client, object]:
        user = make_staff(role)
        return signed_in(user, verified=verified), user

    return make


ALL_ROLES = [
    roles.CASEWORKER,
    roles.DISPUTE_REVIEWER,
    roles.MEMBER_MANAGER,
    roles.ADMINISTRATOR,
    roles.AUDITOR,
]
