"""The caller's side of a possession check over HTTP: the answer is the same whether it matched
or not (no oracle), a malformed answer is refused, and the console shows the result."""

from __future__ import annotations

import pytest
from django.utils import timezone

from hashbank.cases import services
from hashbank.cases.models import Case, CaseSignal
from tests.fixtures.staff import signed_in
from tests.fixtures.values import ATTESTED, md5
from tests.submissions.conftest import post_json


@pytest.fixture
def locked_case(db):
    case, _ = services.submit_case(hashes=[md5()], attestations=ATTESTED)
    Case.objects.filter(pk=case.pk).update(locked_at=timezone.now(), failed_pin_attempts=10)
    return case


def test_the_caller_is_told_the_same_whether_it_matched_and_the_console_says_which(
    browser_client, locked_case, make_staff
):
    console = signed_in(make_staff("caseworker", username="cora"))
    page = console.post(f"/staff/cases/{locked_case.pk}/possession-check/").content.decode()
    code = page.split('id="possession-code">')[1].split("<")[0]
    value = CaseSignal.objects.get(case=locked_case).signal.value
    wrong = post_json(
        browser_client, "/api/v1/possession-checks", {"code": "1111-2222", "md5s": [value]}
    )
    right = post_json(browser_client, "/api/v1/possession-checks", {"code": code, "md5s": [value]})
    assert (
        (wrong.status_code, wrong.json())
        == (right.status_code, right.json())
        == (
            200,
            {"received": True},
        )
    )
    case_page = console.get(f"/staff/cases/{locked_case.pk}/").content.decode()
    assert "<strong>Matched</strong>" in case_page
    unlocked = console.post(f"/staff/cases/{locked_case.pk}/unlock/", follow=True)
    assert "The case is unlocked" in unlocked.content.decode()
    locked_case.refresh_from_db()
    assert not locked_case.is_locked


def test_unlocking_before_a_match_is_refused_on_the_console(locked_case, make_staff):
    console = signed_in(make_staff("caseworker", username="cora"))
    response = console.post(f"/staff/cases/{locked_case.pk}/unlock/", follow=True)
    assert "First check that the caller holds one of the case" in response.content.decode()
    locked_case.refresh_from_db()
    assert locked_case.is_locked


@pytest.mark.parametrize(
    "body",
    [{"code": "1", "md5s": []}, {"code": 1, "md5s": ["0" * 32]}, {"code": "1", "md5s": ["x"]}, {}],
)
def test_a_malformed_answer_is_refused(browser_client, body):
    response = post_json(browser_client, "/api/v1/possession-checks", body)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_check_answer"


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_check_page_has_no_form_that_could_send_the_file(client, db, language):
    client.cookies["django_language"] = language
    page = client.get("/check/").content.decode()
    assert 'type="file" id="possession-file"' in page
    assert "<form" not in page.split('id="possession"')[1].split("</div>")[0]
    assert {"en": "Check with the helpline", "es": "Comprobación con la línea de ayuda"}[
        language
    ] in page
