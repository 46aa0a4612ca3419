"""A portal user who has enrolled a TOTP authenticator, and a client signed in as them."""

from __future__ import annotations

import pytest

PASSWORD = "correct horse battery staple 9"


def totp_now(device, drift: int = 0) -> str:
    """The device's current code; `drift=1` gives the next step's (a code is accepted only once,
    so a test that enrols and then signs in within one step uses the next one, as the device's
    tolerance of one step allows)."""
    from django_otp.oath import totp

    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=drift)
    return f"{code:06d}"


@pytest.fixture
def portal_user(member):
    """(user, device): invited, password set, authenticator enrolled."""
    from member_portal.members import services
    from member_portal.portal import services as portal

    member_user, invitation = services.invite_user(
        member=member, username="alice", email="alice@acme.example"
    )
    user = services.accept_invitation(invitation=invitation, password=PASSWORD)
    device = portal.start_totp_enrolment(user=user)
    portal.finish_enrolment(member_user=member_user, device=device, token=totp_now(device))
    return user, device


@pytest.fixture
def signed_in(client, portal_user):
    """A Django test client signed in to the portal with password and TOTP."""
    user, device = portal_user
    response = client.post(
        "/portal/login/",
        {"username": "alice", "password": PASSWORD, "otp_token": totp_now(device, drift=1)},
    )
    assert response.status_code == 302, response.content
    return client
