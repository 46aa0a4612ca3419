"""A stock StopNCII client never acks; asking for changes since the time we gave it after a
complete fetch says it has everything before: the facade records that as its acknowledgement."""

from datetime import timedelta

import pytest
from django.utils import timezone
from threatexchange.exchanges.clients.stopncii import api as stopncii

from hashbank.ledger import selectors
from hashbank.ledger.models import Checkpoint
from hashbank.receipts import selectors as receipts
from tests.fixtures.values import MD5_VALUE, PDQ_VALUES


@pytest.fixture
def stock_client(live_server, member, token):
    return stopncii.StopNCIIAPI(
        subscription_key=member.slug,
        fetch_function_key=token,
        base_url_override=f"{live_server.url}/api/stopncii/v1",
    )


@pytest.mark.django_db(transaction=True)
def test_a_fetch_since_the_last_set_timestamp_acknowledges_what_came_before(
    publish, stock_client, member
):
    publish([("pdq", PDQ_VALUES[0])])
    first = selectors.latest_checkpoint()
    # Checkpoints a minute apart (the facade's clock is the checkpoints' times, in seconds).
    Checkpoint.objects.filter(size=first.size).update(
        created_at=timezone.now() - timedelta(minutes=1)
    )
    page = stock_client.fetch_hashes(page_size=10)
    publish([("md5", MD5_VALUE)])
    # Since the first checkpoint's time: it is served again, so nothing is acknowledged yet.
    page = stock_client.fetch_hashes(start_timestamp=page.nextSetTimestamp, page_size=10)
    assert receipts.position(member) is None

    stock_client.fetch_hashes(start_timestamp=page.nextSetTimestamp, page_size=10)

    assert receipts.position(member).size == first.size
