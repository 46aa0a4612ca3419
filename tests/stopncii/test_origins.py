"""The facade has one endpoint per origin (/api/stopncii/v1/origins/<id>/), so that HMA, which
maps one exchange to one bank, can switch one origin off; the stock client works against it."""

import hashlib

import pytest
from threatexchange.exchanges.clients.stopncii import api as stopncii

from member_portal.members import services
from tests.fixtures.values import MD5_VALUE, PDQ_VALUES
from tests.stopncii.test_auth_matrix import call, code


@pytest.fixture
def origin_id(settings) -> str:
    return hashlib.sha256(settings.HASHBANK_ORIGIN.encode()).hexdigest()


@pytest.mark.django_db(transaction=True)
def test_the_stock_client_fetches_the_local_origin_from_its_own_endpoint(
    publish, live_server, member, token, origin_id
):
    publish([("pdq", PDQ_VALUES[0]), ("md5", MD5_VALUE)])
    client = stopncii.StopNCIIAPI(
        subscription_key=member.slug,
        fetch_function_key=token,
        base_url_override=f"{live_server.url}/api/stopncii/v1/origins/{origin_id}",
    )
    values = {r.hashValue for page in client.fetch_hashes_iter() for r in page.hashRecords}
    assert values == {PDQ_VALUES[0], MD5_VALUE}


def test_an_origin_the_bank_does_not_carry_is_unknown_on_the_facade(member):
    _, token = services.issue_credential(member=member)
    unknown = hashlib.sha256(b"nobody.example/hashbank").hexdigest()
    for method, name in (("get", "FetchHashes"), ("post", "SubmitFeedback")):
        response = call(method, f"/api/stopncii/v1/origins/{unknown}/{name}", token)
        assert code(response) == (404, "unknown_origin"), name
