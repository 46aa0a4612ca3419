"""The victim API under abuse (issue 17): no case-existence oracle in the PIN delay, no 500 when
Redis is down, a cap on hashes per client per day and on submissions bank-wide, a refusal that
reads no body, and a CSRF cookie that ends with the browser session."""

from __future__ import annotations

import datetime as dt
import io
import json
from types import SimpleNamespace

import pytest
from django.utils import timezone

from hashbank.cases import services
from hashbank.cases.models import Case
from tests.fixtures.staff import signed_in
from tests.fixtures.values import ATTESTED, md5, pdq
from tests.submissions.conftest import post_json


def _answers(client, number: str, attempts: int) -> list[tuple[int, str]]:
    return [
        (r.status_code, r.json()["error"]["code"])
        for r in (
            post_json(client, "/api/v1/cases/status", {"case_number": number, "pin": "0" * 12})
            for _ in range(attempts)
        )
    ]


def test_an_unknown_case_number_is_delayed_after_wrong_pins_exactly_like_a_real_one(
    browser_client,
):
    case, _pin = services.submit_case(hashes=[md5()], attestations=ATTESTED)
    real = _answers(browser_client, case.number, 4)
    unknown = _answers(browser_client, "HB-0000-0000", 4)
    assert real == unknown
    assert real[-1] == (429, "pin_retry_later")


def test_an_unknown_case_number_locks_after_ten_wrong_pins_like_a_real_one(db, monkeypatch):
    case, _pin = services.submit_case(hashes=[md5()], attestations=ATTESTED)
    clock = [timezone.now()]
    monkeypatch.setattr(services.timezone, "now", lambda: clock[0])

    def attempts(number: str) -> list[str]:
        codes = []
        for _ in range(11):
            clock[0] += dt.timedelta(minutes=10)  # past every delay
            try:
                services.authenticate_case(number=number, pin="0" * 12)
            except Exception as refused:  # noqa: BLE001 - the code is what is compared
                codes.append(refused.code)
        return codes

    real, unknown = attempts(case.number), attempts("HB00000000")
    assert real == unknown
    assert real[-1] == "case_locked"


def test_the_csrf_cookie_of_the_victim_pages_ends_with_the_browser_session(client, db):
    response = client.get("/submit/")
    cookie = response.cookies["csrftoken"]
    assert cookie["max-age"] == "" and cookie["expires"] == ""


@pytest.fixture
def redis_down(settings):
    """Redis configured, and nothing listening there (tasks still run in-process)."""
    settings.REDIS_URL = "redis://127.0.0.1:1/0"


def test_a_submission_while_redis_is_down_is_accepted_not_a_500(browser_client, redis_down):
    response = post_json(
        browser_client, "/api/v1/submissions", {"hashes": [md5()], "attestations": ATTESTED}
    )
    assert response.status_code == 201
    assert Case.objects.count() == 1


def test_the_per_client_limit_still_holds_while_redis_is_down(browser_client, redis_down, settings):
    settings.HASHBANK_SUBMISSIONS_PER_HOUR = 1
    body = {"attestations": ATTESTED}
    assert (
        post_json(browser_client, "/api/v1/submissions", {**body, "hashes": [md5()]}).status_code
        == 201
    )
    refused = post_json(browser_client, "/api/v1/submissions", {**body, "hashes": [md5()]})
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0


def test_hashes_per_client_per_day_are_capped_across_cases(browser_client, settings):
    settings.HASHBANK_HASHES_PER_CLIENT_PER_DAY = 5
    body = {"attestations": ATTESTED}
    first = post_json(
        browser_client, "/api/v1/submissions", {**body, "hashes": [md5() for _ in range(3)]}
    )
    assert first.status_code == 201
    second = post_json(
        browser_client, "/api/v1/submissions", {**body, "hashes": [md5() for _ in range(3)]}
    )
    assert second.status_code == 429
    assert second.json()["error"]["code"] == "too_many_hashes_today"
    assert int(second["Retry-After"]) > 0
    assert Case.objects.count() == 1


def test_the_daily_hash_cap_counts_an_ipv6_client_by_its_64(browser_client, settings):
    settings.HASHBANK_HASHES_PER_CLIENT_PER_DAY = 2
    body = {"attestations": ATTESTED}
    for n, expected in ((1, 201), (2, 429)):
        response = post_json(
            browser_client,
            "/api/v1/submissions",
            {**body, "hashes": [md5(), md5()]},
            REMOTE_ADDR=f"2001:db8:7:8::{n}",
        )
        assert response.status_code == expected
    other = post_json(
        browser_client,
        "/api/v1/submissions",
        {**body, "hashes": [md5(), md5()]},
        REMOTE_ADDR="2001:db8:7:9::1",
    )
    assert other.status_code == 201


@pytest.fixture
def one_minute(monkeypatch):
    """Every counter in one fixed minute, whenever the test runs."""
    fixed = SimpleNamespace(time=lambda: 1_800_000_010.0)
    monkeypatch.setattr("hashbank.core.ratelimit.time", fixed)
    monkeypatch.setattr("hashbank.core.admission.time", fixed)


def test_submissions_past_the_bank_wide_cap_are_a_503_with_retry_after_and_an_alarm(
    browser_client, settings, one_minute, make_staff
):
    settings.HASHBANK_SUBMISSION_CAP_FLOOR = settings.HASHBANK_SUBMISSION_CAP_CEILING = 2
    body = {"attestations": ATTESTED}
    statuses = [
        post_json(
            browser_client,
            "/api/v1/submissions",
            {**body, "hashes": [pdq()]},
            REMOTE_ADDR=f"198.51.100.{n}",
        )
        for n in range(1, 4)
    ]
    assert [r.status_code for r in statuses] == [201, 201, 503]
    assert statuses[-1].json()["error"]["code"] == "temporarily_unavailable"
    assert 0 < int(statuses[-1]["Retry-After"]) <= 60
    assert Case.objects.count() == 2
    page = signed_in(make_staff("administrator")).get("/staff/").content.decode()
    assert 'id="admission-alarm"' in page and "1 refused this hour" in page


def test_the_dashboard_shows_no_alarm_when_nothing_was_refused(db, make_staff):
    page = signed_in(make_staff("administrator")).get("/staff/").content.decode()
    assert 'id="admission-alarm"' not in page


class RecordingInput(io.RawIOBase):
    def __init__(self, body: bytes) -> None:
        self._body = io.BytesIO(body)
        self.bytes_read = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        chunk = self._body.read(size)
        self.bytes_read += len(chunk)
        return chunk


@pytest.mark.parametrize("path", ["/api/v1/cases/status", "/api/v1/cases/withdraw"])
def test_a_throttled_pin_check_is_refused_before_its_body_is_read(browser_client, settings, path):
    settings.HASHBANK_PIN_CHECKS_PER_HOUR = 0
    body = json.dumps({"case_number": "HB-0000-0000", "pin": "0" * 12, "hashes": "all"}).encode()
    stream = RecordingInput(body)
    response = browser_client.post(
        path,
        body,
        content_type="application/json",
        HTTP_X_CSRFTOKEN=browser_client.token,
        **{"wsgi.input": stream},
    )
    assert response.status_code == 429
    assert stream.bytes_read == 0


def test_wrong_pins_for_an_unknown_number_are_kept_without_the_number(browser_client):
    from hashbank.cases.models import UnknownCaseNumber

    _answers(browser_client, "HB-7KQ4-M2XD", 2)
    [row] = UnknownCaseNumber.objects.all()
    assert row.failed_pin_attempts == 2
    assert "7KQ4" not in row.key.upper() and len(row.key) == 32
