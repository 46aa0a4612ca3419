import pytest

from hashbank.cases import services
from hashbank.cases.models import Case, CaseSignal
from tests.fixtures.values import ATTESTED, md5, pdq
from tests.submissions.conftest import post_json


@pytest.fixture
def case_and_pin(db):
    return services.submit_case(hashes=[pdq(), md5()], attestations=ATTESTED)


def credentials(case_and_pin) -> dict:
    case, pin = case_and_pin
    return {"case_number": case.number, "pin": pin}


def test_case_number_and_pin_show_each_hash_and_its_status(browser_client, case_and_pin):
    response = post_json(browser_client, "/api/v1/cases/status", credentials(case_and_pin))
    assert response.status_code == 200
    hashes = response.json()["hashes"]
    assert sorted(item["type"] for item in hashes) == ["md5", "pdq"]
    assert {item["status"] for item in hashes} <= {"pending", "active"}
    assert "no-store" in response["Cache-Control"]


def test_a_wrong_pin_is_refused_without_saying_whether_the_case_exists(
    browser_client, case_and_pin
):
    wrong = post_json(
        browser_client, "/api/v1/cases/status", {**credentials(case_and_pin), "pin": "0" * 12}
    )
    unknown = post_json(
        browser_client, "/api/v1/cases/status", {"case_number": "HB-0000-0000", "pin": "0" * 12}
    )
    assert wrong.status_code == unknown.status_code == 403
    assert wrong.json() == unknown.json()
    assert wrong.json()["error"]["code"] == "wrong_case_or_pin"


@pytest.mark.usefixtures("no_cooling_off")
def test_withdrawing_one_hash_through_the_api(browser_client, case_and_pin):
    case, _ = case_and_pin
    target = CaseSignal.objects.filter(case=case).first()
    response = post_json(
        browser_client,
        "/api/v1/cases/withdraw",
        {**credentials(case_and_pin), "hashes": [target.pk]},
    )
    assert response.status_code == 200
    statuses = {item["id"]: item["status"] for item in response.json()["hashes"]}
    assert statuses[target.pk] == "withdrawn"
    assert list(statuses.values()).count("withdrawn") == 1


@pytest.mark.usefixtures("no_cooling_off")
def test_withdrawing_everything_through_the_api(browser_client, case_and_pin):
    response = post_json(
        browser_client, "/api/v1/cases/withdraw", {**credentials(case_and_pin), "hashes": "all"}
    )
    assert {item["status"] for item in response.json()["hashes"]} == {"withdrawn"}


@pytest.mark.parametrize("hashes", [None, [], ["1"], [1.5], "some", {"id": 1}])
def test_a_malformed_withdrawal_is_refused_and_changes_nothing(
    browser_client, case_and_pin, hashes
):
    response = post_json(
        browser_client, "/api/v1/cases/withdraw", {**credentials(case_and_pin), "hashes": hashes}
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_hash_ids"
    assert set(CaseSignal.objects.values_list("status", flat=True)) == {"active"}


def test_a_withdrawal_with_the_wrong_pin_changes_nothing(browser_client, case_and_pin):
    response = post_json(
        browser_client,
        "/api/v1/cases/withdraw",
        {**credentials(case_and_pin), "pin": "1" * 12, "hashes": "all"},
    )
    assert response.status_code == 403
    assert set(CaseSignal.objects.values_list("status", flat=True)) == {"active"}
    assert Case.objects.get().failed_pin_attempts == 1


def test_pin_checks_past_the_per_client_limit_are_refused(browser_client, case_and_pin, settings):
    settings.HASHBANK_PIN_CHECKS_PER_HOUR = 1
    assert (
        post_json(browser_client, "/api/v1/cases/status", credentials(case_and_pin)).status_code
        == 200
    )
    refused = post_json(browser_client, "/api/v1/cases/status", credentials(case_and_pin))
    assert refused.status_code == 429


def test_pin_checks_rotating_inside_one_ipv6_64_share_the_limit(
    browser_client, case_and_pin, settings
):
    settings.HASHBANK_PIN_CHECKS_PER_HOUR = 1
    first = post_json(
        browser_client,
        "/api/v1/cases/status",
        credentials(case_and_pin),
        REMOTE_ADDR="2001:db8:5:6::1",
    )
    assert first.status_code == 200
    refused = post_json(
        browser_client,
        "/api/v1/cases/status",
        credentials(case_and_pin),
        REMOTE_ADDR="2001:db8:5:6::2",
    )
    assert refused.status_code == 429
