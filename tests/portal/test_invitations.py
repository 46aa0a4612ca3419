"""Invitations that cannot strand a user: the invitation is used up only when the authenticator
is confirmed; someone who left on the QR page comes back through the invitation or by signing in
with the new password; staff re-invite a user who never joined and reset one who did."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from hashbank.audit.models import AuditEntry
from member_portal.members import services
from member_portal.members.models import MemberUser
from tests.fixtures.staff import signed_in as staff_signed_in
from tests.portal.conftest import PASSWORD, totp_now

pytestmark = pytest.mark.django_db


def leave_on_the_qr_page(client, member, username: str = "bob") -> tuple[MemberUser, str]:
    member_user, invitation = services.invite_user(member=member, username=username)
    response = client.post("/portal/invitation/", {"invitation": invitation, "password": PASSWORD})
    assert response["Location"] == "/portal/enrol/"
    assert b"data:image/svg+xml" in client.get("/portal/enrol/").content
    return member_user, invitation


def test_leaving_on_the_qr_page_leaves_the_invitation_open(client, member):
    member_user, invitation = leave_on_the_qr_page(client, member)
    member_user.refresh_from_db()
    assert member_user.invitation_hash and member_user.accepted_at is None
    other = type(client)()
    response = other.post("/portal/invitation/", {"invitation": invitation, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/portal/enrol/"


def test_signing_in_with_the_new_password_resumes_enrolment_with_the_same_key(client, member):
    leave_on_the_qr_page(client, member)
    first_key = TOTPDevice.objects.get(user__username="bob").key
    later = type(client)()  # another day, another browser: no session
    response = later.post(
        "/portal/login/", {"username": "bob", "password": PASSWORD, "otp_token": "000000"}
    )
    assert response.status_code == 302 and response["Location"] == "/portal/enrol/"
    later.get("/portal/enrol/")
    device = TOTPDevice.objects.get(user__username="bob")
    assert device.key == first_key and not device.confirmed
    assert later.post("/portal/enrol/", {"otp_token": totp_now(device)}).status_code == 302
    response = later.post(
        "/portal/login/",
        {"username": "bob", "password": PASSWORD, "otp_token": totp_now(device, drift=1)},
    )
    assert response["Location"] == "/portal/"
    assert later.get("/portal/").status_code == 200


def test_a_confirmed_authenticator_uses_the_invitation_up(client, member):
    member_user, invitation = leave_on_the_qr_page(client, member)
    device = TOTPDevice.objects.get(user__username="bob")
    client.post("/portal/enrol/", {"otp_token": totp_now(device)})
    member_user.refresh_from_db()
    assert member_user.invitation_hash == "" and member_user.accepted_at is not None
    response = client.post("/portal/invitation/", {"invitation": invitation, "password": PASSWORD})
    assert b"unknown, used or expired" in response.content
    # Once joined, a wrong code is refused like any other: no way back to enrolment.
    response = client.post(
        "/portal/login/", {"username": "bob", "password": PASSWORD, "otp_token": "000000"}
    )
    assert response.status_code == 200 and b"did not match" in response.content


def test_an_expired_invitation_no_longer_resumes_enrolment(client, member):
    member_user, _ = leave_on_the_qr_page(client, member)
    MemberUser.objects.filter(pk=member_user.pk).update(
        invited_at=timezone.now() - dt.timedelta(days=8)
    )
    later = type(client)()
    response = later.post(
        "/portal/login/", {"username": "bob", "password": PASSWORD, "otp_token": "000000"}
    )
    assert response.status_code == 200
    assert client.get("/portal/enrol/")["Location"] == "/portal/login/"


@pytest.fixture
def manager(make_staff):
    return staff_signed_in(make_staff("member manager", username="mona"))


def test_staff_reinvite_a_user_who_never_joined_and_the_old_code_stops(client, member, manager):
    member_user, old = leave_on_the_qr_page(client, member)
    response = manager.post(f"/staff/members/{member.slug}/users/{member_user.pk}/reinvite/")
    assert response.status_code == 200
    new = response.content.decode().split('<code class="secret">', 1)[1].split("<", 1)[0]
    assert new.startswith(f"{member_user.pk}.") and new != old
    fresh = type(client)()
    bad = fresh.post("/portal/invitation/", {"invitation": old, "password": PASSWORD})
    assert b"unknown, used or expired" in bad.content
    good = fresh.post("/portal/invitation/", {"invitation": new, "password": PASSWORD})
    assert good["Location"] == "/portal/enrol/"
    entry = AuditEntry.objects.get(action="member.user_reinvited")
    assert (entry.actor_name, entry.target, entry.member) == ("mona", "bob", member.slug)
    assert new not in str(entry.after) and new not in str(entry.before)


def test_a_joined_user_is_reset_not_reinvited(client, member, manager, portal_user):
    user, _device = portal_user
    member_user = MemberUser.objects.get(user=user)
    response = manager.post(
        f"/staff/members/{member.slug}/users/{member_user.pk}/reinvite/", follow=True
    )
    assert b"has already joined; reset their sign-in instead" in response.content
    assert not AuditEntry.objects.filter(action="member.user_reinvited").exists()


def test_resetting_a_portal_user_ends_their_sessions_and_lets_them_enrol_again(
    member, manager, portal_user
):
    from django.test import Client

    user, device = portal_user
    member_user = MemberUser.objects.get(user=user)
    session = Client()
    session.post(
        "/portal/login/",
        {"username": "alice", "password": PASSWORD, "otp_token": totp_now(device, drift=1)},
    )
    assert session.get("/portal/").status_code == 200
    response = manager.post(f"/staff/members/{member.slug}/users/{member_user.pk}/reset/")
    assert response.status_code == 200
    code = response.content.decode().split('<code class="secret">', 1)[1].split("<", 1)[0]
    assert session.get("/portal/").status_code == 302  # signed out
    assert not TOTPDevice.objects.filter(user=user).exists()
    entry = AuditEntry.objects.get(action="member.user_reset")
    assert entry.target == "alice" and entry.after == {"authenticators_removed": 1}
    again = Client()
    response = again.post("/portal/invitation/", {"invitation": code, "password": PASSWORD + "!"})
    assert response["Location"] == "/portal/enrol/"


def test_only_roles_holding_the_permission_reset_portal_users(member, make_staff, portal_user):
    user, _ = portal_user
    member_user = MemberUser.objects.get(user=user)
    caseworker = staff_signed_in(make_staff("caseworker"))
    url = f"/staff/members/{member.slug}/users/{member_user.pk}/reset/"
    assert caseworker.post(url).status_code == 403
    assert TOTPDevice.objects.filter(user=user).exists()
