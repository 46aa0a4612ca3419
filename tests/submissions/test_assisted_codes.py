"""Assisted codes: a caseworker issues a one-time code in the console; the person enters it on
the public entry page of their own device and submits there; the case is staff-assisted and
assigned to that caseworker. The code is stored only as a keyed hash, audited, used once and
expires; a bad code says so and saves nothing."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from hashbank.audit.models import AuditEntry
from hashbank.cases import assisted
from hashbank.cases.models import AssistedCode, Case
from tests.fixtures.staff import signed_in
from tests.fixtures.values import ATTESTED, md5, pdq
from tests.submissions.conftest import post_form, post_json

pytestmark = pytest.mark.django_db


@pytest.fixture
def caseworker(make_staff):
    user = make_staff("caseworker", username="cora")
    return signed_in(user), user


def issue_code(client) -> str:
    response = client.post("/staff/cases/new/code/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    match = re.search(
        r'<code id="assisted-code">([0-9A-Z]{4}-[0-9A-Z]{4})</code>', response.content.decode()
    )
    assert match, "the code is shown once"
    return match[1]


def enter(client, code: str):
    token = getattr(client, "token", "")
    return post_form(client, "/submit/assisted/", {"code": code, "csrfmiddlewaretoken": token})


def submit(client):
    return post_json(
        client, "/api/v1/submissions", {"hashes": [pdq(), md5()], "attestations": ATTESTED}
    )


def test_code_is_shown_once_stored_only_as_a_keyed_hash_and_audited(caseworker):
    client, user = caseworker
    code = issue_code(client)
    row = AssistedCode.objects.get()
    assert row.issued_by == user and row.used_at is None
    assert row.expires_at - row.created_at == assisted.LIFETIME
    plain = code.replace("-", "")
    assert row.code_hash == assisted.code_hash(plain) and plain not in row.code_hash
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM cases_assistedcode")
        assert plain not in repr(cursor.fetchall())
    entry = AuditEntry.objects.get(action="case.assisted_code_issued")
    assert entry.actor_name == "cora" and entry.target == f"assisted_code:{row.pk}"
    assert plain not in repr(entry.after) and code not in repr(entry.after)
    # The page never shows it again.
    assert code not in client.get("/staff/cases/new/code/").content.decode()


def test_person_enters_the_code_and_the_case_is_assisted_and_assigned(caseworker, browser_client):
    client, user = caseworker
    code = issue_code(client)
    page = enter(browser_client, code.lower().replace("-", " "))
    assert page.status_code == 200 and "Code accepted" in page.content.decode()
    response = submit(browser_client)
    assert response.status_code == 201, response.content
    case = Case.objects.get(number=response.json()["case_number"].replace("-", ""))
    assert case.staff_assisted and case.assignee == user
    row = AssistedCode.objects.get()
    assert row.used_at is not None and row.case == case
    used = AuditEntry.objects.get(action="case.assisted_code_used")
    assert used.target == f"case:{case.number}" and used.after["caseworker"] == "cora"
    # The caseworker sees it in My cases and reads the link in the timeline, in words.
    assert case in client.get("/staff/cases/mine/").context["cases"]
    timeline = client.get(f"/staff/cases/{case.pk}/").content.decode()
    assert "one-time code from cora" in timeline
    # The session forgot the code: the next case from this browser is the person's own.
    again = submit(browser_client)
    assert again.status_code == 201
    second = Case.objects.get(number=again.json()["case_number"].replace("-", ""))
    assert not second.staff_assisted and second.assignee is None


def test_a_code_works_once(caseworker, browser_client):
    client, _ = caseworker
    code = issue_code(client)
    assert enter(browser_client, code).status_code == 200
    assert submit(browser_client).status_code == 201

    other = Client()
    other.get("/submit/")
    page = enter(other, code)
    assert page.status_code == 400 and "This code is not valid" in page.content.decode()
    assert AssistedCode.objects.get().used_at is not None


@pytest.mark.parametrize("typed", ["", "ABCD", "0000-0000", "x" * 41, "ZZZZ-ZZZZ"])
def test_codes_never_issued_are_refused_and_store_nothing_in_the_session(browser_client, typed):
    page = enter(browser_client, typed)
    assert page.status_code == 400
    assert (
        "sessionid" not in browser_client.cookies or not browser_client.cookies["sessionid"].value
    )


def test_expired_code_is_refused_at_the_entry_page(caseworker, browser_client):
    client, _ = caseworker
    code = issue_code(client)
    AssistedCode.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert enter(browser_client, code).status_code == 400


def test_code_expiring_after_entry_refuses_the_case_then_sending_again_works(
    caseworker, browser_client
):
    client, _ = caseworker
    code = issue_code(client)
    assert enter(browser_client, code).status_code == 200
    AssistedCode.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    refused = submit(browser_client)
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "assisted_code_invalid"
    assert Case.objects.count() == 0  # nothing half-written
    retried = submit(browser_client)
    assert retried.status_code == 201
    assert not Case.objects.get().staff_assisted


def test_issuing_needs_the_assisted_submission_permission(make_staff):
    client = signed_in(make_staff("auditor", username="audrey"))
    assert client.post("/staff/cases/new/code/").status_code == 403
    assert AssistedCode.objects.count() == 0


def test_entry_pages_are_in_spanish(caseworker, browser_client):
    client, _ = caseworker
    code = issue_code(client)
    browser_client.cookies["django_language"] = "es"
    page = browser_client.get("/submit/assisted/").content.decode()
    for text in (
        "Introduzca su código de la línea de ayuda",
        "nunca salen de él",
        "8 letras y cifras",
        '¿No tiene código? Puede <a href="/submit/">crear un caso por su cuenta</a>.',
    ):
        assert text in page
    wrong = enter(browser_client, "2222-2222").content.decode()
    assert "Este código no es válido" in wrong
    accepted = enter(browser_client, code).content.decode()
    for text in (
        "Código aceptado",
        "No verá sus fotos ni su PIN.",
        "Cree el caso",
        "Elija sus fotos",
    ):
        assert text in accepted
