"""python-threatexchange's own StopNCII client, pointed at our facade on a live server."""

import pytest
from threatexchange.exchanges.clients.stopncii import api as stopncii
from threatexchange.exchanges.impl.stop_ncii_api import (
    StopNCIICredentials,
    StopNCIISignalExchangeAPI,
)

from hashbank.cases import services as cases
from member_portal.reports.models import MatchReport
from tests.fixtures.values import MD5_VALUE, PDQ_VALUES


@pytest.fixture
def stock_client(live_server, member, token):
    return stopncii.StopNCIIAPI(
        subscription_key=member.slug,
        fetch_function_key=token,
        additional_function_keys={stopncii.StopNCIIEndpoint.SubmitFeedback: token},
        base_url_override=f"{live_server.url}/api/stopncii/v1",
    )


@pytest.mark.django_db(transaction=True)
def test_stock_client_fetches_every_published_hash(publish, stock_client):
    publish([("pdq", PDQ_VALUES[0]), ("pdq", PDQ_VALUES[1]), ("md5", MD5_VALUE)])
    records = {
        (r.signalType, r.hashValue): r
        for page in stock_client.fetch_hashes_iter()
        for r in page.hashRecords
    }
    assert set(records) == {
        (stopncii.StopNCIISignalType.ImagePDQ, PDQ_VALUES[0]),
        (stopncii.StopNCIISignalType.ImagePDQ, PDQ_VALUES[1]),
        (stopncii.StopNCIISignalType.VideoMD5, MD5_VALUE),
    }
    assert {r.hashStatus for r in records.values()} == {stopncii.StopNCIICaseStatus.Active}


@pytest.mark.django_db(transaction=True)
def test_withdrawal_shows_only_as_deleted(publish, stock_client):
    """Members are told only "removed" (issue 17): a withdrawal reads as any other removal."""
    case, _ = publish([("pdq", PDQ_VALUES[0]), ("pdq", PDQ_VALUES[1])])
    first = stock_client.fetch_hashes(page_size=10)
    row = case.case_signals.get(signal__value=PDQ_VALUES[0])
    cases.withdraw(case=case, case_signal_ids=[row.pk])
    publish.seal()
    later = stock_client.fetch_hashes(start_timestamp=first.nextSetTimestamp, page_size=10)
    statuses = {r.hashValue: r.hashStatus for r in later.hashRecords}
    assert statuses[PDQ_VALUES[0]] == stopncii.StopNCIICaseStatus.Deleted


@pytest.mark.django_db(transaction=True)
def test_pages_follow_next_page_token_until_no_more_records(publish, stock_client):
    publish([("pdq", v) for v in PDQ_VALUES])
    pages = []
    page = stock_client.fetch_hashes(page_size=3)
    pages.append(page)
    while page.hasMoreRecords:
        page = stock_client.fetch_hashes(page_size=3, next_page=page.nextPageToken)
        pages.append(page)
    assert [p.count for p in pages] == [3, 1]
    values = [r.hashValue for p in pages for r in p.hashRecords]
    assert sorted(values) == sorted(PDQ_VALUES)


@pytest.mark.django_db(transaction=True)
def test_submit_feedback_becomes_a_match_report(publish, stock_client, member):
    publish([("pdq", PDQ_VALUES[0])])
    stock_client.submit_feedback(
        stopncii.StopNCIISignalType.ImagePDQ,
        PDQ_VALUES[0],
        stopncii.StopNCIICSPFeedbackValue.Blocked,
        tags={"upload"},
    )
    report = MatchReport.objects.get(member=member)
    assert (report.action, report.source, report.feedback_value) == (
        "blocked_upload",
        "stopncii",
        "Blocked",
    )


@pytest.mark.django_db(transaction=True)
def test_stock_exchange_adapter_syncs_through_the_credential_string(
    publish, live_server, member, token
):
    publish([("pdq", PDQ_VALUES[0])])
    credentials = StopNCIICredentials._from_str(
        f"{token},{member.slug},{live_server.url}/api/stopncii/v1"
    )
    exchange = StopNCIISignalExchangeAPI.for_collab(None, credentials)
    deltas = list(exchange.fetch_iter([], None))
    updates = {k: v for d in deltas for k, v in d.updates.items()}
    assert ("pdq", PDQ_VALUES[0]) in updates


@pytest.mark.django_db(transaction=True)
def test_wrong_subscription_key_is_refused(live_server, member, token):
    import requests

    response = requests.get(
        f"{live_server.url}/api/stopncii/v1/FetchHashes",
        headers={"x-functions-key": token, "Ocp-Apim-Subscription-Key": "someone-else"},
        timeout=10,
    )
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "subscription_key_mismatch"
