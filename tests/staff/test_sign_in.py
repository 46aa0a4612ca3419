"""Sign-in: password, then TOTP or a recovery code; first sign-in enrols; failures are audited
and lock out; sessions expire."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from hashbank.audit.models import AuditEntry
from hashbank.staff import otp
from hashbank.staff.models import RecoveryCodeDevice, StaffProfile
from tests.fixtures.staff import PASSWORD

pytestmark = pytest.mark.django_db


def _password_step(client: Client, username: str, password: str):
    return client.post("/staff/login/", {"username": username, "password": password})


def test_password_then_totp_signs_in_and_is_audited(make_staff):
    user = make_staff("caseworker", password=PASSWORD)
    client = Client()
    response = _password_step(client, user.username, PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/staff/login/verify/"
    # Password alone opens nothing.
    assert client.get("/staff/cases/")["Location"] == "/staff/login/verify/"
    device = TOTPDevice.objects.get(user=user)
    response = client.post("/staff/login/verify/", {"code": otp.current_code(device)})
    assert response.status_code == 302 and response["Location"] == "/staff/"
    assert client.get("/staff/cases/").status_code == 200
    entry = AuditEntry.objects.get(action="auth.sign_in")
    assert entry.actor_id == user.pk and entry.after == {"factor": "totp"}


def test_wrong_totp_code_is_refused_and_audited(make_staff):
    user = make_staff("caseworker", password=PASSWORD)
    client = Client()
    _password_step(client, user.username, PASSWORD)
    response = client.post("/staff/login/verify/", {"code": "000000"})
    assert response.status_code == 400
    assert client.get("/staff/").status_code == 302
    assert AuditEntry.objects.filter(action="auth.second_factor_failed").count() == 1


def test_wrong_password_is_audited_without_signing_in(make_staff):
    user = make_staff("caseworker", password=PASSWORD)
    client = Client()
    response = _password_step(client, user.username, "not the password")
    assert response.status_code == 400
    entry = AuditEntry.objects.get(action="auth.sign_in_failed")
    assert entry.target == f"username:{user.username}" and entry.actor_id is None
    assert client.get("/staff/")["Location"].startswith("/staff/login/")


def test_repeated_failures_lock_the_account_out(make_staff, settings):
    user = make_staff("caseworker", password=PASSWORD)
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _password_step(client, user.username, "wrong password")
    response = _password_step(client, user.username, PASSWORD)
    assert response.status_code in (403, 429)
    assert "Too many failed sign-ins" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(action="auth.locked_out").exists()


def test_non_staff_account_cannot_sign_in_to_the_console(django_user_model):
    django_user_model.objects.create_user("member-person", password=PASSWORD)
    client = Client()
    response = _password_step(client, "member-person", PASSWORD)
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session


def test_recovery_code_signs_in_once(make_staff):
    user = make_staff("auditor", password=PASSWORD)
    codes = otp.new_recovery_codes(user)
    client = Client()
    _password_step(client, user.username, PASSWORD)
    assert client.post("/staff/login/verify/", {"code": codes[3].lower()}).status_code == 302
    assert AuditEntry.objects.get(action="auth.sign_in").after == {
        "factor": "recovery_code",
        "recovery_codes_left": 9,
    }
    again = Client()
    _password_step(again, user.username, PASSWORD)
    assert again.post("/staff/login/verify/", {"code": codes[3]}).status_code == 400
    assert len(RecoveryCodeDevice.objects.get(user=user).codes) == 9


def test_createadmin_first_sign_in_enrols_totp_then_changes_password(capsys, settings):
    # django-otp would refuse any code for a second after the wrong one below; without its
    # throttle the right code is checked at once.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    call_command("createadmin", "root")
    password = capsys.readouterr().out.strip().splitlines()[-1]
    assert re.fullmatch(r"([a-z2-9]{4}-){4}[a-z2-9]{4}", password)
    client = Client()
    assert _password_step(client, "root", password)["Location"] == "/staff/login/verify/"
    assert client.get("/staff/login/verify/")["Location"] == "/staff/login/enrol/"
    page = client.get("/staff/login/enrol/")
    body = page.content.decode()
    assert page.status_code == 200 and "<svg" in body and "<path" in body
    assert "style=" not in body and "<script>" not in body
    device = TOTPDevice.objects.get(user__username="root", confirmed=False)
    assert otp.secret_base32(device) in body
    assert client.post("/staff/login/enrol/", {"code": "123456x"}).status_code == 400
    response = client.post("/staff/login/enrol/", {"code": otp.current_code(device)})
    assert response.status_code == 200
    codes = re.findall(r"<code>([A-Z2-9-]{19})</code>", response.content.decode())
    assert len(codes) == 10
    # The one-time password must be replaced before any console page opens.
    assert client.get("/staff/")["Location"] == "/staff/password/"
    new = "a much better passphrase 7"
    response = client.post(
        "/staff/password/",
        {"old_password": password, "new_password": new, "new_password2": new},
    )
    assert response["Location"] == "/staff/"
    assert client.get("/staff/").status_code == 200
    assert not StaffProfile.objects.get(user__username="root").must_change_password
    actions = list(AuditEntry.objects.values_list("action", flat=True))
    assert actions == ["staff.user_created", "auth.second_factor_enrolled", "auth.password_changed"]


def test_createadmin_refuses_an_existing_username(capsys):
    from django.core.management.base import CommandError

    call_command("createadmin", "root")
    with pytest.raises(CommandError):
        call_command("createadmin", "root")


def test_idle_session_expires(staff_client, settings):
    client, _ = staff_client("caseworker")
    assert client.get("/staff/").status_code == 200
    assert settings.SESSION_SAVE_EVERY_REQUEST and settings.SESSION_COOKIE_AGE <= 3600
    session = client.session
    session.set_expiry(-1)  # as if the idle time had passed
    session.save()
    assert client.get("/staff/")["Location"].startswith("/staff/login/")


def test_sign_out_ends_the_session(staff_client):
    client, user = staff_client("auditor")
    assert client.post("/staff/logout/")["Location"] == "/staff/login/"
    assert client.get("/staff/")["Location"].startswith("/staff/login/")
    assert AuditEntry.objects.get(action="auth.sign_out").actor_id == user.pk


def test_django_admin_also_needs_the_second_factor(make_staff, django_admin_routed):
    user = make_staff("administrator", password=PASSWORD)
    user.is_superuser = True
    user.save()
    client = Client()
    _password_step(client, user.username, PASSWORD)  # password only
    assert client.get("/django-admin/")["Location"].startswith("/django-admin/login/")
    device = TOTPDevice.objects.get(user=user)
    client.post("/staff/login/verify/", {"code": otp.current_code(device)})
    assert client.get("/django-admin/").status_code == 200
