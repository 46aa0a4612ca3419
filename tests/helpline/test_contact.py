"""The helpline's contact: from the environment until an administrator saves it in the console,
then the saved values everywhere; every save audited, bad values refused with a plain message."""

from __future__ import annotations

import pytest
from django.test import Client

from hashbank.audit.models import AuditEntry
from hashbank.core.errors import DomainError
from hashbank.helpline import selectors, services
from hashbank.helpline.errors import HelplineErrorCode
from tests.fixtures.staff import signed_in

pytestmark = pytest.mark.django_db

SAVED = {
    "organisation": "Safe Online Helpline",
    "phone": "+44 345 600 0459",
    "email": "help@helpline.example",
    "hours": "Monday to Friday, 10:00 to 16:00",
    "website": "https://helpline.example/",
}


@pytest.fixture
def env_helpline(settings):
    settings.HASHBANK_HELPLINE = {
        "organisation": "Env Helpline",
        "phone": "0800 000 000",
        "email": "env@helpline.example",
        "hours": "Every day",
        "website": "https://env.helpline.example/",
    }


def test_until_an_administrator_saves_it_the_contact_comes_from_the_environment(env_helpline):
    assert selectors.contact().organisation == "Env Helpline"
    page = Client().get("/status/").content.decode()
    assert "Env Helpline" in page and 'href="tel:0800000000"' in page


def test_the_saved_contact_replaces_the_environments_on_every_page(env_helpline, make_staff):
    services.update_contact(actor=make_staff("administrator"), **SAVED)
    for path in ["/", "/submit/", "/status/", "/help/", "/about/", "/cover-your-tracks/"]:
        page = Client().get(path).content.decode()
        assert "Safe Online Helpline" in page, path
        assert "Env Helpline" not in page, path
    page = Client().get("/help/").content.decode()
    assert 'href="tel:+443456000459"' in page
    assert 'href="mailto:help@helpline.example"' in page
    assert "Monday to Friday, 10:00 to 16:00" in page


def test_each_save_is_audited_with_the_values_before_and_after(env_helpline, make_staff):
    admin = make_staff("administrator")
    services.update_contact(actor=admin, **SAVED)
    entry = AuditEntry.objects.get(action="helpline.update_contact")
    assert entry.actor_name == admin.username
    assert entry.before["organisation"] == "Env Helpline"
    assert entry.after == SAVED


@pytest.mark.parametrize(
    ("field", "value"),
    [("organisation", "  "), ("email", "not an address"), ("website", "javascript:alert(1)")],
)
def test_a_contact_without_a_name_or_with_a_bad_address_is_refused_and_nothing_saved(
    env_helpline, make_staff, field, value
):
    with pytest.raises(DomainError) as refused:
        services.update_contact(actor=make_staff("administrator"), **{**SAVED, field: value})
    assert refused.value.code == HelplineErrorCode.INVALID_CONTACT
    assert selectors.contact().organisation == "Env Helpline"
    assert not AuditEntry.objects.filter(action="helpline.update_contact").exists()


def test_an_administrator_saves_the_contact_on_the_console_page(env_helpline, make_staff):
    client = signed_in(make_staff("administrator"))
    page = client.get("/staff/helpline/").content.decode()
    assert 'value="Env Helpline"' in page
    response = client.post("/staff/helpline/", SAVED)
    assert response.status_code == 302
    assert selectors.contact().phone == SAVED["phone"]
    assert AuditEntry.objects.filter(action="helpline.update_contact").count() == 1
    assert "Safe Online Helpline" in client.get("/staff/helpline/").content.decode()


def test_the_console_page_answers_a_bad_value_with_its_message_and_a_400(make_staff):
    client = signed_in(make_staff("administrator"))
    response = client.post("/staff/helpline/", {**SAVED, "website": "ftp://x.example"})
    assert response.status_code == 400
    assert "must start with https://" in response.content.decode()


def test_only_administrators_may_change_the_contact(make_staff):
    for role in ["caseworker", "dispute reviewer", "member manager", "auditor"]:
        client = signed_in(make_staff(role))
        assert client.post("/staff/helpline/", SAVED).status_code == 403, role
    assert not AuditEntry.objects.filter(action="helpline.update_contact").exists()
