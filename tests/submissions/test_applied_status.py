"""The status page and its JSON API say how many participating platforms applied each hash, and
for a withdrawn one how many applied the withdrawal, in both languages; names only of platforms
that agreed to be named."""

from __future__ import annotations

import pytest
from django.test import Client

from hashbank.cases import services
from hashbank.cases.models import CaseSignal
from hashbank.ledger import services as ledger
from member_portal.members import services as members
from tests.fixtures.values import ATTESTED, md5
from tests.submissions.conftest import open_case, post_json


@pytest.fixture
def case_in_feed(db, signing_key, member, other_member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        case, pin = services.submit_case(hashes=[md5()], attestations=ATTESTED)
    return case, pin, ledger.seal()


def _page(case, pin, language="en") -> str:
    client = Client()
    client.cookies["django_language"] = language
    return open_case(client, case, pin).content.decode()


def _withdraw(case):
    services.withdraw(case=case)
    return ledger.seal()


def test_the_page_says_how_many_platforms_use_a_hash(case_in_feed, member):
    case, pin, checkpoint = case_in_feed
    assert "In use by 0 of 2 platforms so far" in _page(case, pin)

    members.acknowledge_checkpoint(member=member, size=checkpoint.size)

    page = _page(case, pin)
    assert 'data-applied="1" data-platforms="2"' in page
    assert "In use by 1 of 2 platforms so far; the others will within 24 hours" in page


def test_the_page_says_how_many_platforms_applied_the_withdrawal(
    case_in_feed, member, other_member
):
    case, pin, checkpoint = case_in_feed
    members.acknowledge_checkpoint(member=member, size=checkpoint.size)
    members.acknowledge_checkpoint(member=other_member, size=checkpoint.size)
    removal = _withdraw(case)
    assert "Your withdrawal has been applied by 0 of 2 platforms" in _page(case, pin)

    members.acknowledge_checkpoint(member=member, size=removal.size)
    assert "Your withdrawal has been applied by 1 of 2 platforms" in _page(case, pin)
    assert "Su retirada la han aplicado 1 de 2 plataformas" in _page(case, pin, "es")

    members.acknowledge_checkpoint(member=other_member, size=removal.size)
    assert "Your withdrawal has been applied by all 2 participating platforms." in _page(case, pin)
    assert "Su retirada ya la han aplicado las 2 plataformas participantes." in _page(
        case, pin, "es"
    )


def test_only_platforms_that_agreed_are_named(case_in_feed, member, other_member):
    case, pin, checkpoint = case_in_feed
    members.set_named_publicly(member=member, named=True)
    members.acknowledge_checkpoint(member=member, size=checkpoint.size)
    members.acknowledge_checkpoint(member=other_member, size=checkpoint.size)

    page = _page(case, pin)

    assert "Among them: Acme Video." in page
    assert "Globex" not in page


def test_a_suspended_member_is_not_counted(case_in_feed, member, other_member):
    case, pin, checkpoint = case_in_feed
    members.suspend_member(member=other_member)
    members.acknowledge_checkpoint(member=member, size=checkpoint.size)
    assert "In use by all 1 participating platforms." not in _page(case, pin)
    assert "In use by the 1 participating platform." in _page(case, pin)


def test_the_json_status_api_gives_the_counts(case_in_feed, member):
    case, pin, checkpoint = case_in_feed
    members.acknowledge_checkpoint(member=member, size=checkpoint.size)
    removal = _withdraw(case)
    members.acknowledge_checkpoint(member=member, size=removal.size)
    client = Client(enforce_csrf_checks=True)
    client.get("/submit/")
    client.token = client.cookies["csrftoken"].value

    response = post_json(client, "/api/v1/cases/status", {"case_number": case.number, "pin": pin})

    assert response.status_code == 200, response.content
    (item,) = response.json()["hashes"]
    assert item["id"] == CaseSignal.objects.get(case=case).pk
    assert (item["status"], item["platforms"], item["applied_by"]) == ("withdrawn", 2, 1)
    assert (item["removal_applied_by"], item["named"]) == (1, [])
