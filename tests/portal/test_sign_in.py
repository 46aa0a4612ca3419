from django.contrib.auth import get_user_model
from django_otp.plugins.otp_totp.models import TOTPDevice

from member_portal.members import services
from tests.portal.conftest import PASSWORD, totp_now


def test_invited_user_sets_password_enrols_totp_and_signs_in(client, member):
    _, invitation = services.invite_user(member=member, username="bob")
    response = client.post("/portal/invitation/", {"invitation": invitation, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/portal/enrol/"
    page = client.get("/portal/enrol/")
    assert b"data:image/svg+xml;base64," in page.content
    device = TOTPDevice.objects.get(user__username="bob")
    assert client.post("/portal/enrol/", {"otp_token": totp_now(device)}).status_code == 302
    response = client.post(
        "/portal/login/",
        {"username": "bob", "password": PASSWORD, "otp_token": totp_now(device, drift=1)},
    )
    assert response.status_code == 302 and response["Location"] == "/portal/"
    assert client.get("/portal/").status_code == 200


def test_invitation_works_only_once_the_authenticator_is_confirmed(client, member):
    from member_portal.portal import services as portal

    member_user, invitation = services.invite_user(member=member, username="bob")
    user = services.accept_invitation(invitation=invitation, password=PASSWORD)
    device = portal.start_totp_enrolment(user=user)
    portal.finish_enrolment(member_user=member_user, device=device, token=totp_now(device))
    response = client.post("/portal/invitation/", {"invitation": invitation, "password": PASSWORD})
    assert response.status_code == 200
    assert b"unknown, used or expired" in response.content


def test_password_without_the_second_factor_is_refused(client, portal_user):
    response = client.post(
        "/portal/login/", {"username": "alice", "password": PASSWORD, "otp_token": "000000"}
    )
    assert response.status_code == 200
    assert client.get("/portal/").status_code == 302


def test_pages_require_sign_in(client, db):
    for path in [
        "/portal/",
        "/portal/credentials/",
        "/portal/webhooks/",
        "/portal/reports/",
        "/portal/disputes/",
    ]:
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/portal/login/")


def test_staff_user_without_a_member_is_refused(client, db):
    user = get_user_model().objects.create_user("staffer", password=PASSWORD, is_staff=True)
    device = TOTPDevice.objects.create(user=user, name="t", confirmed=True)
    response = client.post(
        "/portal/login/",
        {"username": "staffer", "password": PASSWORD, "otp_token": totp_now(device)},
    )
    assert response.status_code == 200  # not a member user: the same refusal as a wrong code


def test_suspended_members_users_see_a_refusal(signed_in, member):
    services.suspend_member(member=member)
    response = signed_in.get("/portal/credentials/")
    assert response.status_code == 403
