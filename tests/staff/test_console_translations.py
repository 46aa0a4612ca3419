"""The console speaks Spanish: makemessages finds no untranslated string in the console's code
and templates, and a page rendered in Spanish shows no English text that the same page rendered
in English also shows (beyond names, codes and data: tests/fixtures/translations.py)."""

from __future__ import annotations

import shutil
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.utils import timezone

from tests.fixtures.staff import signed_in
from tests.fixtures.translations import english_left, get_in, missing_translations

# What the console renders: its app and templates, the shared templates, and the models whose
# choice labels it shows (status, state, basis, dispute reason).
EXTRACTED = [
    "hashbank/staff",
    "hashbank/templates",
    "hashbank/cases/models.py",
    "hashbank/signals/models.py",
    "hashbank/disputes/models.py",
    "hashbank/publishing/selectors.py",
    "hashbank/forwarding/models.py",
    "member_portal/reports/models.py",
    # The member portal, and the webhook page it includes.
    "member_portal/portal",
    "member_portal/webhooks/templates",
    "member_portal/webhooks/models.py",
    # The services whose refusals (DomainError messages) the console and the portal show.
    "hashbank/cases/services.py",
    "hashbank/disputes/services.py",
    "hashbank/benign/services.py",
    "hashbank/helpline/services.py",
    "hashbank/peers/services.py",
    "hashbank/signals/selectors.py",
    "member_portal/members/services.py",
]


@pytest.mark.skipif(shutil.which("msgattrib") is None, reason="needs GNU gettext")
def test_makemessages_finds_no_untranslated_console_or_portal_string(tmp_path):
    assert missing_translations(tmp_path, EXTRACTED) == ""


# The console pages translated so far (see docs/staff-console.md, "Languages").
SIGNED_IN_PAGES = [
    "dashboard",
    "workload",
    "case",
    "cases",
    "case search",
    "review queue",
    "dispute",
    "decided disputes",
    "members",
    "member",
    "keys",
    "held hashes",
    "helpline",
    "benign list",
    "assisted",
    "assisted code",
    "audit log",
    "audit check",
    "accounts",
    "forwards",
    "federation",
]


@pytest.mark.django_db
def test_console_pages_in_spanish_show_no_english_text(world, make_staff):
    from hashbank.cases.models import Case

    Case.objects.filter(pk=world.case.pk).update(locked_at=timezone.now())
    from hashbank.audit.services import record_event

    record_event(actor="someone", action="case.note_added", target=f"case:{world.case.number}")
    client = signed_in(make_staff("administrator", username="ada"))
    pages = {
        "case": f"/staff/cases/{world.case.pk}/",
        "dashboard": "/staff/",
        "workload": "/staff/workload/",
        "cases": "/staff/cases/?locked=1",
        "case search": f"/staff/cases/?q={world.case.number[2:5]}",
        "review queue": "/staff/review/",
        "dispute": f"/staff/review/{world.dispute.pk}/",
        "decided disputes": "/staff/review/decided/",
        "members": "/staff/members/",
        "member": f"/staff/members/{world.member.slug}/",
        "keys": "/staff/keys/",
        "held hashes": "/staff/held/",
        "helpline": "/staff/helpline/",
        "benign list": "/staff/benign/",
        "assisted": "/staff/cases/new/",
        "assisted code": "/staff/cases/new/code/",
        "audit log": "/staff/audit/",
        "accounts": "/staff/accounts/",
        "forwards": "/staff/review/forwarded/",
        "federation": "/staff/federation/",
        "audit check": "/staff/audit/verify",
    }
    left = {}
    for name in SIGNED_IN_PAGES:
        path = pages[name]
        left[name] = english_left(get_in(client, path, "en"), get_in(client, path, "es"))
    # Signed out: the sign-in page; password done, second factor pending: the code page.
    anonymous = Client()
    left["login"] = english_left(
        get_in(anonymous, "/staff/login/", "en"), get_in(anonymous, "/staff/login/", "es")
    )
    pending = signed_in(make_staff("caseworker", username="newbie"), verified=False)
    left["verify"] = english_left(
        get_in(pending, "/staff/login/verify/", "en"), get_in(pending, "/staff/login/verify/", "es")
    )
    assert {name: nodes for name, nodes in left.items() if nodes} == {}


@pytest.mark.django_db
def test_the_language_switch_is_in_the_console_header_and_remembered(client):
    page = client.get("/staff/login/").content.decode()
    assert 'action="/i18n/setlang/"' in page
    response = client.post(
        "/i18n/setlang/",
        urlencode({"language": "es", "next": "/staff/login/"}),
        content_type="application/x-www-form-urlencoded",  # the bank refuses multipart bodies
    )
    assert response.status_code == 302 and response["Location"] == "/staff/login/"
    page = client.get("/staff/login/").content.decode()
    assert '<html lang="es">' in page
    assert "Acceso del personal" in page and "Staff sign-in" not in page


FORM = "application/x-www-form-urlencoded"  # the bank refuses multipart bodies

# Refusals a service raises (DomainError), each shown on the page the console redirects to; the
# English message is what an English reader sees, so the Spanish page must not show it.
REFUSALS = [
    ("unlock", "unlock/", {}, "First check that the caller holds one of the case"),
    ("restore", "hashes/{md5}/restore/", {}, "Only a suspended hash can be restored."),
    ("note", "notes/", {"text": ""}, "A note has 1 to 4000 characters."),
    ("dispute", "hashes/{md5}/dispute/", {"reason": "nonsense"}, "Choose a reason from the list."),
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "path", "form", "english"), REFUSALS, ids=[r[0] for r in REFUSALS]
)
def test_a_domain_error_on_a_spanish_console_page_is_in_spanish(
    world, make_staff, name, path, form, english
):
    client = signed_in(make_staff("administrator", username="ada"))
    url = f"/staff/cases/{world.case.pk}/" + path.format(md5=world.case_signal("md5").pk)
    shown = {}
    for language in ("en", "es"):
        client.cookies["django_language"] = language
        response = client.post(url, urlencode(form), follow=True, content_type=FORM)
        assert response.status_code == 200, response.status_code
        shown[language] = response.content.decode()
    assert english in shown["en"]  # the refusal was raised and shown
    assert english not in shown["es"]
    assert english_left(shown["en"], shown["es"]) == []
