"""The person's withdrawal on the status page and the JSON API: when it takes effect, cancelling
it, and (with HASHBANK_WITHDRAWAL_COOLING_OFF = 0) taking effect at once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from hashbank.cases import services
from hashbank.cases.models import CaseSignal
from tests.fixtures.values import ATTESTED, md5, pdq
from tests.submissions.conftest import open_case, post_form, post_json


@pytest.fixture(autouse=True)
def one_day(settings):
    settings.HASHBANK_WITHDRAWAL_COOLING_OFF = 86400


@pytest.fixture
def case_and_pin(db):
    return services.submit_case(hashes=[pdq(), md5()], attestations=ATTESTED)


def form(case_and_pin, **extra) -> dict:
    case, pin = case_and_pin
    return {"case_number": case.number, "pin": pin, **extra}


def opened(case_and_pin, language: str = "en") -> Client:
    client = Client()
    client.cookies["django_language"] = language
    open_case(client, *case_and_pin)
    return client


def withdraw(client: Client, item: str):
    return post_form(client, "/status/withdraw/", {"item": item, "confirm": "yes"}, follow=True)


def test_the_page_says_when_the_withdrawal_takes_effect_and_the_hash_stays_in_use(case_and_pin):
    case, _ = case_and_pin
    target = CaseSignal.objects.filter(case=case).first()
    before = timezone.now()
    response = withdraw(opened(case_and_pin), target.item)
    assert response.redirect_chain == [("/status/?done=scheduled", 303)]
    page = response.content.decode()
    target.refresh_from_db()
    due = target.withdrawal_due_at
    assert target.status == "active"
    assert before + dt.timedelta(days=1) <= due <= timezone.now() + dt.timedelta(days=1)
    assert 'id="withdrawal-scheduled"' in page
    assert "Your withdrawal is scheduled. It takes effect on" in page
    assert f'data-withdraws-at="{due.isoformat()}"' in page
    assert "A withdrawal takes effect 24 hours after you ask" in page
    assert page.count("Cancel the withdrawal") == 1


def test_the_page_says_it_in_spanish(case_and_pin):
    page = withdraw(opened(case_and_pin, "es"), "all").content.decode()
    assert "Hemos programado la retirada. Se hará efectiva el" in page
    assert page.count("Cancelar la retirada") == 2
    assert "Cancelar todas las retiradas pendientes" in page


def test_cancelling_on_the_page_keeps_the_hash_in_use(case_and_pin):
    case, _ = case_and_pin
    client = opened(case_and_pin)
    withdraw(client, "all")
    target = CaseSignal.objects.filter(case=case).first()
    response = post_form(client, "/status/cancel-withdrawal/", {"item": target.item}, follow=True)
    assert response.redirect_chain == [("/status/?done=cancelled", 303)]
    assert "Withdrawal cancelled" in response.content.decode()
    waiting = CaseSignal.objects.filter(case=case, withdrawal_due_at__isnull=False)
    assert target.pk not in set(waiting.values_list("pk", flat=True))
    assert waiting.count() == 1
    post_form(client, "/status/cancel-withdrawal/", {"item": "all"})
    assert not waiting.exists()
    again = post_form(client, "/status/cancel-withdrawal/", {"item": "all"}, follow=True)
    assert "Nothing to cancel" in again.content.decode()


def test_cancelling_needs_an_open_case(case_and_pin):
    case, _ = case_and_pin
    services.request_withdrawal(case=case)
    response = post_form(Client(), "/status/cancel-withdrawal/", {"item": "all"})
    assert (response.status_code, response["Location"]) == (303, "/status/?ended=1")
    assert CaseSignal.objects.filter(case=case, withdrawal_due_at__isnull=True).count() == 0


def test_the_api_says_when_each_withdrawal_takes_effect_and_cancels_it(
    browser_client, case_and_pin
):
    case, _ = case_and_pin
    target = CaseSignal.objects.filter(case=case).first()
    response = post_json(
        browser_client, "/api/v1/cases/withdraw", form(case_and_pin, hashes=[target.pk])
    )
    assert response.status_code == 200
    body = response.json()
    assert body["withdrawal_cooling_off_seconds"] == 86400
    by_id = {item["id"]: item for item in body["hashes"]}
    target.refresh_from_db()
    expected = target.withdrawal_due_at.replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert by_id[target.pk]["withdraws_at"] == expected
    assert by_id[target.pk]["status"] in ("pending", "active")
    assert [item["withdraws_at"] for pk, item in by_id.items() if pk != target.pk] == [None]
    status = post_json(browser_client, "/api/v1/cases/status", form(case_and_pin)).json()
    assert status == body
    cancelled = post_json(
        browser_client, "/api/v1/cases/cancel-withdrawal", form(case_and_pin, hashes="all")
    )
    assert cancelled.status_code == 200
    assert {item["withdraws_at"] for item in cancelled.json()["hashes"]} == {None}


@pytest.mark.parametrize("hashes", [[], "some", [True], None])
def test_a_malformed_cancellation_is_refused(browser_client, case_and_pin, hashes):
    response = post_json(
        browser_client, "/api/v1/cases/cancel-withdrawal", form(case_and_pin, hashes=hashes)
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_hash_ids"


def test_with_no_cooling_off_the_api_withdraws_at_once(browser_client, case_and_pin, settings):
    settings.HASHBANK_WITHDRAWAL_COOLING_OFF = 0
    body = post_json(
        browser_client, "/api/v1/cases/withdraw", form(case_and_pin, hashes="all")
    ).json()
    assert body["withdrawal_cooling_off_seconds"] == 0
    assert {(item["status"], item["withdraws_at"]) for item in body["hashes"]} == {
        ("withdrawn", None)
    }


def test_with_no_cooling_off_the_page_says_withdrawn(case_and_pin, settings):
    settings.HASHBANK_WITHDRAWAL_COOLING_OFF = 0
    page = withdraw(opened(case_and_pin), "all").content.decode()
    assert "Withdrawn. Platforms will stop matching it" in page
    assert 'id="withdrawal-scheduled"' not in page
    assert "Withdrawing is final" in page
