"""Numbers from outside are ASCII digits, bounded in length (issue 17): `¹`, `①` and `١` pass
`str.isdigit()` or `int()`, and 4,300 digits are a ValueError in `int()`. Each of these was a
500; each is now the endpoint's 4xx, or (for Range) the whole file."""

from __future__ import annotations

import pytest
from django.test import Client

from member_portal.api import tasks
from member_portal.api.models import Snapshot
from member_portal.members import services as member_services
from tests.fixtures.staff import signed_in

UNICODE_DIGITS = ["\u00b9", "\u2460", "\u0661", "\uff11"]  # ¹ ① ١ １
HUGE = "9" * 4300


@pytest.mark.parametrize("digit", UNICODE_DIGITS)
@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/entries?from={n}&size=1",
        "/api/v1/proofs/inclusion?index={n}&size=1",
        "/api/v1/proofs/consistency?old=1&new={n}",
        "/api/v1/reports?before={n}",
        "/api/v1/disputes?before={n}",
    ],
)
def test_a_unicode_digit_in_a_query_parameter_is_a_400(api, path, digit):
    response = api.get(path.format(n=digit))
    assert response.status_code == 400
    assert response.json()["error"]["code"] in {"invalid_parameter", "invalid_cursor"}


@pytest.mark.parametrize("digit", UNICODE_DIGITS)
@pytest.mark.parametrize("path", ["/api/v1/snapshots/{n}", "/api/v1/reports/{n}"])
def test_a_unicode_digit_in_a_path_segment_is_not_found(api, path, digit):
    response = api.get(path.format(n=digit))
    assert response.status_code == 404
    assert response.json()["error"]["code"] in {"unknown_snapshot", "unknown_report", "not_found"}


def test_a_4300_digit_query_parameter_is_a_400(api):
    response = api.get(f"/api/v1/entries?from={HUGE}&size=1")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_parameter"


@pytest.mark.parametrize(
    "token",
    [f"{HUGE}.1.1", "\u2460.1.1", "1.-\u00b9.1", "1.2"],
    ids=["huge", "circled", "negative-superscript", "two-parts"],
)
def test_a_malformed_stopncii_page_token_is_a_400(member, token):
    _, key = member_services.issue_credential(member=member)
    response = Client().get(
        "/api/stopncii/v1/FetchHashes",
        {"nextPageToken": token},
        HTTP_X_FUNCTIONS_KEY=key,
        HTTP_OCP_APIM_SUBSCRIPTION_KEY="acme",
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_page_token"


@pytest.fixture
def snapshot(published, settings, tmp_path):
    settings.HASHBANK_SNAPSHOT_DIR = tmp_path / "snapshots"
    return Snapshot.objects.get(size=tasks.build_snapshot.apply().get())


@pytest.mark.parametrize(
    "header",
    [f"bytes={HUGE}-", f"bytes=0-{HUGE}", f"bytes=-{HUGE}", "bytes=\u00b9-", "bytes=0-\u2460"],
    ids=["huge-first", "huge-last", "huge-suffix", "superscript", "circled"],
)
def test_a_range_that_is_not_ascii_digits_or_too_long_serves_the_whole_file(snapshot, api, header):
    response = api.get(f"/api/v1/snapshots/{snapshot.size}", HTTP_RANGE=header)
    assert response.status_code == 200
    assert len(b"".join(response.streaming_content)) == snapshot.bytes


def test_a_valid_range_is_still_honoured(snapshot, api):
    response = api.get(f"/api/v1/snapshots/{snapshot.size}", HTTP_RANGE="bytes=0-9")
    assert response.status_code == 206
    assert len(b"".join(response.streaming_content)) == 10


@pytest.mark.django_db
@pytest.mark.parametrize("days", ["\u2460", "\u00b9", "99999999999"])
def test_a_credential_expiry_that_is_not_a_small_ascii_number_is_refused(member, make_staff, days):
    client = signed_in(make_staff("administrator"))
    response = client.post(
        "/staff/members/acme/credentials/",
        {"label": "x", "scopes": ["feed:read"], "expires_days": days},
    )
    assert response.status_code in (200, 302, 400)
    assert not member.credentials.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("target", ["\u00b9", "\u2460", HUGE], ids=["sup", "circled", "huge"])
def test_withdrawing_a_photo_named_by_a_non_ascii_number_changes_nothing(target):
    from urllib.parse import urlencode

    from hashbank.cases import services as case_services
    from hashbank.cases.models import CaseSignal
    from tests.fixtures.values import ATTESTED, md5
    from tests.submissions.conftest import open_case

    case, pin = case_services.submit_case(hashes=[md5()], attestations=ATTESTED)
    client = Client()
    open_case(client, case, pin)
    response = client.post(
        "/status/withdraw/",
        urlencode({"item": target, "confirm": "yes"}),
        content_type="application/x-www-form-urlencoded",
    )
    # Back to the case's own page (post/redirect/get), not a 500, and nothing withdrawn.
    assert response.status_code == 303
    assert response["Location"] == "/status/"
    assert not CaseSignal.objects.filter(case=case).exclude(status="active").exists()
    assert not CaseSignal.objects.filter(withdrawal_due_at__isnull=False).exists()
