import pytest
from django.test import Client

from hashbank.cases import pins
from hashbank.cases.models import Case
from tests.fixtures.values import ATTESTED, md5, pdq
from tests.submissions.conftest import post_json


def test_a_submission_returns_a_case_number_and_pin_that_open_the_case(browser_client):
    response = post_json(
        browser_client, "/api/v1/submissions", {"hashes": [pdq(), md5()], "attestations": ATTESTED}
    )
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"case_number", "pin"}
    case = Case.objects.get(number=pins.normalize_case_number(body["case_number"]))
    assert pins.verify_pin(pins.normalize_pin(body["pin"]), case.pin_hash)
    assert case.case_signals.count() == 2
    assert "no-store" in response["Cache-Control"]


def test_the_submission_api_refuses_a_request_without_the_csrf_token(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/api/v1/submissions",
        {"hashes": [md5()], "attestations": ATTESTED},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "csrf_failed"
    assert not Case.objects.exists()


def test_submissions_past_the_per_client_limit_are_refused(browser_client, settings):
    settings.HASHBANK_SUBMISSIONS_PER_HOUR = 2
    body = {"hashes": [md5()], "attestations": ATTESTED}
    assert post_json(browser_client, "/api/v1/submissions", body).status_code == 201
    assert (
        post_json(browser_client, "/api/v1/submissions", {**body, "hashes": [md5()]}).status_code
        == 201
    )
    refused = post_json(browser_client, "/api/v1/submissions", {**body, "hashes": [md5()]})
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "rate_limited"
    assert int(refused["Retry-After"]) > 0
    assert Case.objects.count() == 2


def test_rotating_addresses_inside_one_ipv6_64_does_not_escape_the_limit(browser_client, settings):
    settings.HASHBANK_SUBMISSIONS_PER_HOUR = 2
    body = {"attestations": ATTESTED}
    for n in (1, 2):
        response = post_json(
            browser_client,
            "/api/v1/submissions",
            {**body, "hashes": [md5()]},
            REMOTE_ADDR=f"2001:db8:5:6::{n}",
        )
        assert response.status_code == 201
    refused = post_json(
        browser_client,
        "/api/v1/submissions",
        {**body, "hashes": [md5()]},
        REMOTE_ADDR="2001:db8:5:6:ffff:ffff:ffff:ffff",
    )
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert Case.objects.count() == 2


def test_only_post_is_allowed(browser_client):
    response = browser_client.get("/api/v1/submissions")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


@pytest.mark.django_db(transaction=True)
def test_a_case_that_was_saved_returns_its_pin_even_when_sealing_cannot_be_queued(key_dir):
    # No signing key: the after-commit seal fails. The case is saved, so the person must still
    # get the case number and PIN (they could never see them again), and sealing catches up later.
    client = Client(enforce_csrf_checks=True)
    client.get("/submit/")
    client.token = client.cookies["csrftoken"].value
    response = post_json(
        client, "/api/v1/submissions", {"hashes": [md5()], "attestations": ATTESTED}
    )
    assert response.status_code == 201
    case = Case.objects.get(number=pins.normalize_case_number(response.json()["case_number"]))
    assert pins.verify_pin(pins.normalize_pin(response.json()["pin"]), case.pin_hash)
