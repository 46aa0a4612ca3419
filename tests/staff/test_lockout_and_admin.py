"""Staff sign-in cannot be locked out from elsewhere, the first administrator has no default
name, and Django's admin is not routed in production (issue 17)."""

from __future__ import annotations

import importlib
import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import clear_url_caches

from hashbank.audit.models import AuditEntry
from tests.fixtures.staff import PASSWORD

pytestmark = pytest.mark.django_db


def _sign_in(address: str, username: str, password: str):
    return Client(REMOTE_ADDR=address).post(
        "/staff/login/", {"username": username, "password": password}
    )


def test_failures_from_one_address_do_not_lock_the_username_out_from_another(make_staff, settings):
    user = make_staff("caseworker", password=PASSWORD)
    for _ in range(settings.AXES_FAILURE_LIMIT + 2):
        _sign_in("203.0.113.66", user.username, "an attacker's guess")
    response = _sign_in("198.51.100.7", user.username, PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/staff/login/verify/"


def test_the_address_that_failed_is_locked_out_for_that_username(make_staff, settings):
    user = make_staff("caseworker", password=PASSWORD)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in("203.0.113.66", user.username, "an attacker's guess")
    response = _sign_in("203.0.113.66", user.username, PASSWORD)
    assert response.status_code in (403, 429)
    assert AuditEntry.objects.filter(action="auth.locked_out").exists()


def test_firststart_refuses_to_create_an_administrator_without_a_name(key_dir):
    with pytest.raises(CommandError, match="--admin"):
        call_command("firststart", "--no-demo-member", stdout=io.StringIO())


def test_firststart_creates_the_named_administrator(key_dir, django_user_model):
    call_command("firststart", "--admin", "ops-lead", "--no-demo-member", stdout=io.StringIO())
    assert list(django_user_model.objects.values_list("username", flat=True)) == ["ops-lead"]


@pytest.fixture
def url_map(settings):
    """Rebuild the URL map (read at import) under the test's settings; restore it after."""

    def rebuild() -> None:
        import hashbank.urls

        importlib.reload(hashbank.urls)
        clear_url_caches()

    yield rebuild
    settings.HASHBANK_DJANGO_ADMIN = False
    rebuild()


def test_django_admin_is_not_routed_without_debug_or_the_setting(client, settings, url_map):
    settings.DEBUG = False
    settings.HASHBANK_DJANGO_ADMIN = False
    url_map()
    assert client.get("/django-admin/login/").status_code == 404


def test_django_admin_is_routed_when_the_setting_asks_for_it(client, settings, url_map):
    settings.HASHBANK_DJANGO_ADMIN = True
    url_map()
    assert client.get("/django-admin/login/").status_code == 200
